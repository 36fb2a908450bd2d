package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.TensorSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
  @TempDir Path tmp;

  private static Path fixture() {
    Path p = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
    assertTrue(Files.isRegularFile(p.resolve("model.safetensors")), "fixture missing: " + p.toAbsolutePath());
    return p;
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /** A model directory holding config.json, vocab.txt, tokenizer_config.json and the given weights file. */
  private Path modelDir(String fixtureWeights, String asName) throws IOException {
    Path d = Files.createTempDirectory(tmp, "model");
    for (String f : new String[] {"config.json", "vocab.txt", "tokenizer_config.json"}) {
      Files.copy(fixture().resolve(f), d.resolve(f));
    }
    Files.copy(fixture().resolve(fixtureWeights), d.resolve(asName));
    return d;
  }

  /** Every tensor of {@code file} is bit-identical to the fixture's model.safetensors, and nothing else is in it. */
  private static void assertSameAsFixture(Path file) throws IOException {
    try (TensorSource ref = Safetensors.open(fixture().resolve("model.safetensors"));
        TensorSource got = Safetensors.open(file)) {
      assertEquals(new java.util.TreeSet<>(ref.names()), new java.util.TreeSet<>(got.names()));
      for (String n : ref.names()) {
        assertTrue(ref.get(n).contentEquals(got.get(n)), n);
      }
      assertEquals("pt", got.metadata().get("format"));
    }
  }

  @Test
  void convertsZipCheckpointIntoAnotherDirectory() throws IOException {
    Path src = modelDir("pytorch_model.bin", "pytorch_model.bin");
    Path out = tmp.resolve("out");
    Result r = run("convert", "--model", src.toString(), "--out", out.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("41 tensors") && r.out.contains("verified bit-identical"), r.out);
    assertSameAsFixture(out.resolve("model.safetensors"));
    for (String f : new String[] {"config.json", "vocab.txt", "tokenizer_config.json"}) {
      assertEquals(Files.readString(src.resolve(f)), Files.readString(out.resolve(f)), f);
    }
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(4, files.count(), "weights + 3 side files, no temporary files");
    }
  }

  @Test
  void convertsLegacyCheckpointInPlaceAndThenItsOwnOutput() throws IOException {
    Path dir = modelDir("pytorch_model.legacy.bin", "pytorch_model.bin");
    Result r = run("convert", "--model", dir.toString());
    assertEquals(0, r.code, r.err);
    assertSameAsFixture(dir.resolve("model.safetensors"));
    // again, now reading model.safetensors while replacing it
    r = run("convert", "--model", dir.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("model.safetensors ->"), r.out);
    assertSameAsFixture(dir.resolve("model.safetensors"));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(5, files.count(), "no temporary files left");
    }
  }

  @Test
  void explicitWeightsFile() throws IOException {
    Path dir = modelDir("model.safetensors", "model.safetensors");
    Files.copy(fixture().resolve("pytorch_model.legacy.bin"), dir.resolve("old.bin"));
    Path out = tmp.resolve("o2");
    Result r = run("convert", "--model", dir.toString(), "--weights", dir.resolve("old.bin").toString(),
        "--out", out.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("old.bin"), r.out);
    assertSameAsFixture(out.resolve("model.safetensors"));
  }

  @Test
  void errorsAreOneLine() throws IOException {
    Result r = run("convert", "--model", tmp.resolve("nope").toString());
    assertEquals(1, r.code);
    assertTrue(r.err.startsWith("error: ") && r.err.contains("nope"), r.err);
    assertEquals(1, r.err.strip().lines().count(), r.err);

    Path bad = modelDir("config.json", "pytorch_model.bin"); // JSON is not a checkpoint
    r = run("convert", "--model", bad.toString());
    assertEquals(1, r.code);
    assertTrue(r.err.contains("pytorch_model.bin") && r.err.contains("not a PyTorch checkpoint"), r.err);
    assertEquals(1, r.err.strip().lines().count(), r.err);
    assertTrue(Files.notExists(bad.resolve("model.safetensors")));

    Path evil = Files.createTempDirectory(tmp, "evil");
    Files.copy(fixture().resolve("config.json"), evil.resolve("config.json"));
    byte[] pkl = "\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000ls\u0085R.".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(evil.resolve("pytorch_model.bin")))) {
      zos.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
      zos.write(pkl);
      zos.closeEntry();
    }
    r = run("convert", "--model", evil.toString());
    assertEquals(1, r.code);
    assertTrue(r.err.contains("refusing to load global os.system"), r.err);
  }
}
