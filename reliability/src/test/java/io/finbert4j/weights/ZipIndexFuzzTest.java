package io.finbert4j.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.reliability.fuzz.ParserContract;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The zip reader on its own (package-private, so in the weights package): end-of-central-directory search, ZIP64
 * locator and record, central directory entries, local headers, stored and deflated data. Every record's data is
 * read. Documented failure: {@link TensorFormatException}. Deflated records are capped ({@link ZipIndex}).
 */
class ZipIndexFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void records(byte[] data) {
    Path f = ParserContract.tempFile("archive.zip", data);
    try {
      ParserContract.check("ZipIndex", () -> {
        try (MappedFile file = new MappedFile(f)) {
          ZipIndex zip = new ZipIndex(file);
          for (ZipIndex.Record r : zip.records().values()) {
            if (zip.data(r).remaining() != r.size()) {
              ParserContract.violated("ZipIndex", r.name() + " returned a size other than declared");
            }
          }
        }
      }, IOException.class);
    } finally {
      ParserContract.delete(f.getParent());
    }
  }
}
