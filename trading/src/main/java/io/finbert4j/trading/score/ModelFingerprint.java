package io.finbert4j.trading.score;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model directory's identity for the score cache: SHA-256 over the names and bytes of its config, weights and
 * tokenizer files (config.json, *.safetensors, pytorch_model*.bin, vocab.txt, tokenizer.json,
 * tokenizer_config.json, special_tokens_map.json), in name order. Any change to weights, config or vocabulary
 * gives a new fingerprint, so stale scores are never reused.
 */
public final class ModelFingerprint {
  private ModelFingerprint() {}

  public static String of(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString();
        return n.equals("config.json") || n.endsWith(".safetensors") || (n.startsWith("pytorch_model") && n.endsWith(".bin"))
            || n.equals("vocab.txt") || n.equals("tokenizer.json") || n.equals("tokenizer_config.json")
            || n.equals("special_tokens_map.json");
      }).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IOException(dir + ": no model files to fingerprint");
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 20];
      for (Path f : files) {
        md.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
        try (InputStream in = Files.newInputStream(f)) {
          for (int n = in.read(buf); n > 0; n = in.read(buf)) {
            md.update(buf, 0, n);
          }
        }
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of a text (hex, 32 chars): the cache key's text part. */
  public static String textHash(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
