package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.trading.data.BadRows;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.NewsReader;
import java.nio.file.Path;
import java.util.List;

/**
 * News files (CSV or JSON lines, told apart by their first character), as {@code finbert backtest --news} reads them:
 * any bytes (invalid UTF-8, unterminated quotes, ragged rows, unknown columns, times without offsets, huge fields).
 * Documented failure: {@link BadRows.BadRowException} naming file, line and problem. Every item read has a symbol
 * and an availability time.
 */
class NewsReaderFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void read(byte[] data) {
    Path f = ParserContract.tempFile("news.csv", data);
    try {
      ParserContract.check("NewsReader.readFile", () -> {
        List<NewsItem> items = NewsReader.readFile(f, BadRows.fail());
        for (NewsItem n : items) {
          if (n.symbols().isEmpty() || n.available() == null) {
            ParserContract.violated("NewsReader.readFile", "an item without symbols or time: " + n);
          }
        }
      }, BadRows.BadRowException.class);
    } finally {
      ParserContract.delete(f.getParent());
    }
  }
}
