package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TokenizeCommandTest {
  static final Path MODEL = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  static BertTokenizer tokenizer;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void fixture() {
    assertTrue(Files.isRegularFile(MODEL.resolve("vocab.txt")), "fixture missing: " + MODEL.toAbsolutePath());
    tokenizer = BertTokenizer.fromDirectory(MODEL);
  }

  /** Runs {@code finbert <args>} with the given bytes on stdin. */
  static Result run(byte[] stdin, String... args) {
    CommandLine cl = Main.commandLine();
    TokenizeCommand cmd = cl.getSubcommands().get("tokenize").getCommand();
    cmd.in = new ByteArrayInputStream(stdin);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int rc = cl.execute(args);
    return new Result(rc, out.toString(), err.toString());
  }

  static Result run(String stdin, String... args) {
    return run(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  record Result(int rc, String out, String err) {
    List<JsonNode> lines() throws Exception {
      List<JsonNode> r = new ArrayList<>();
      for (String l : out.split("\n")) {
        if (!l.isEmpty()) {
          r.add(JSON.readTree(l));
        }
      }
      return r;
    }
  }

  @Test
  void jsonLinesGiveOneResultPerLineInOrder() throws Exception {
    String in = "{\"text\": \"Shares of ACME fell 7%.\"}\n"
        + "{\"text\": \"Q3 profit\", \"text_pair\": \"beat estimates\"}\n"
        + "{\"text\": \"\"}\n"
        + "{\"text\": \"Caf\u00e9 \ud83d\ude00 \u4e2d\u6587\", \"text_pair\": null}\n";
    Result r = run(in, "tokenize", "--model", MODEL.toString());
    assertEquals(0, r.rc(), r.err());
    assertEquals("", r.err());
    List<JsonNode> lines = r.lines();
    assertEquals(4, lines.size());
    String[][] inputs = {{"Shares of ACME fell 7%.", null}, {"Q3 profit", "beat estimates"}, {"", null},
      {"Caf\u00e9 \ud83d\ude00 \u4e2d\u6587", null}};
    for (int i = 0; i < inputs.length; i++) {
      Encoding want = tokenizer.encode(inputs[i][0], inputs[i][1]);
      JsonNode got = lines.get(i);
      assertArrayEquals(want.inputIds(), ints(got.get("input_ids")), "line " + (i + 1));
      assertArrayEquals(want.tokenTypeIds(), ints(got.get("token_type_ids")), "line " + (i + 1));
      assertEquals(want.length(), got.get("tokens").size());
      assertEquals(want.tokens()[1 % want.length()], got.get("tokens").get(1 % want.length()).asText());
      assertEquals(want.length(), got.get("offsets").size());
      assertFalse(got.get("truncated").asBoolean());
      assertFalse(got.has("attention_mask"), "no padding, so no mask");
    }
    // pair tokens carry type 1 and offsets into the second text
    JsonNode pair = lines.get(1);
    // [CLS] q ##3 profit [SEP] beat estimates [SEP]
    assertEquals("beat", pair.get("tokens").get(5).asText());
    assertEquals(1, pair.get("token_type_ids").get(5).asInt());
    assertEquals(0, pair.get("offsets").get(5).get(0).asInt());
    assertEquals(4, pair.get("offsets").get(5).get(1).asInt());
    // code point offsets: after the emoji (2 UTF-16 units, 1 code point) "中" starts at code point 7
    JsonNode last = lines.get(3);
    List<String> toks = new ArrayList<>();
    last.get("tokens").forEach(t -> toks.add(t.asText()));
    int zh = toks.indexOf("\u4e2d");
    assertTrue(zh > 0, "tokens " + toks);
    assertEquals(7, last.get("offsets").get(zh).get(0).asInt());
    assertEquals(8, last.get("offsets").get(zh).get(1).asInt());
    // output is ASCII (non-ASCII escaped), so the same bytes in any locale
    assertTrue(r.out().chars().allMatch(c -> c < 128), r.out());
  }

  @Test
  void plainLinesWithMaxLengthAreTruncated() throws Exception {
    Result r = run("one two three four five six seven\nshort\n\n", "tokenize", "--model", MODEL.toString(),
        "--plain", "--max-length", "5");
    assertEquals(0, r.rc(), r.err());
    List<JsonNode> lines = r.lines();
    assertEquals(3, lines.size(), "an empty plain line is an empty text");
    assertEquals(5, lines.get(0).get("input_ids").size());
    assertTrue(lines.get(0).get("truncated").asBoolean());
    assertEquals("[SEP]", lines.get(0).get("tokens").get(4).asText());
    assertFalse(lines.get(1).get("truncated").asBoolean());
    assertEquals(2, lines.get(2).get("input_ids").size());
    Encoding want = tokenizer.encode("one two three four five six seven", null, EncodeOptions.truncateTo(5));
    assertArrayEquals(want.inputIds(), ints(lines.get(0).get("input_ids")));
  }

  @Test
  void malformedLineIsOneErrorLineWithItsNumber() throws Exception {
    Result r = run("{\"text\": \"fine\"}\n{\"text\": oops}\n{\"text\": \"never reached\"}\n",
        "tokenize", "--model", MODEL.toString());
    assertEquals(CliErrors.EXIT_USER_ERROR, r.rc());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: line 2: malformed JSON"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
    assertEquals(1, r.lines().size(), "the line before the error was written");

    Result missing = run("{\"txt\": \"x\"}\n", "tokenize", "--model", MODEL.toString());
    assertEquals(1, missing.rc());
    assertTrue(missing.err().contains("line 1: \"text\" must be a string (missing)"), missing.err());

    Result notObject = run("[1, 2]\n", "tokenize", "--model", MODEL.toString());
    assertEquals(1, notObject.rc());
    assertTrue(notObject.err().contains("line 1: expected a JSON object"), notObject.err());

    Result verbose = run("{\"text\": oops}\n", "tokenize", "--model", MODEL.toString(), "--verbose");
    assertEquals(1, verbose.rc());
    assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace");
  }

  @Test
  void invalidUtf8IsReportedWithItsLine() {
    byte[] in = {'o', 'k', '\n', (byte) 0xC3, (byte) 0x28, '\n'};
    Result r = run(in, "tokenize", "--model", MODEL.toString(), "--plain");
    assertEquals(1, r.rc());
    assertTrue(r.err().contains("line 2: input is not valid UTF-8"), r.err());
  }

  @Test
  void badModelDirectoryIsOneErrorLine(@TempDir Path empty) {
    Result r = run("{\"text\": \"x\"}\n", "tokenize", "--model", empty.toString());
    assertEquals(1, r.rc());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(empty.toString()) && r.err().contains("vocab.txt"), r.err());

    Result none = run("", "tokenize", "--model", empty.resolve("nope").toString());
    assertEquals(1, none.rc());
    assertTrue(none.err().contains("not found"), none.err());

    Result badLen = run("", "tokenize", "--model", MODEL.toString(), "--max-length", "0");
    assertEquals(1, badLen.rc());
    assertTrue(badLen.err().contains("--max-length must be positive"), badLen.err());
  }

  @Test
  void registeredInMain() {
    assertTrue(Main.commandLine().getSubcommands().containsKey("tokenize"));
  }

  private static int[] ints(JsonNode arr) {
    int[] r = new int[arr.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = arr.get(i).asInt();
    }
    return r;
  }
}
