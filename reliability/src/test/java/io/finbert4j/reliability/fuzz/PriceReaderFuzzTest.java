package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.trading.data.BadRows;
import io.finbert4j.trading.data.Bar;
import io.finbert4j.trading.data.PriceReader;
import java.nio.file.Path;
import java.util.List;

/**
 * Daily prices, as {@code finbert backtest --prices} reads them: our CSV and LEAN's {@code equity/usa/daily/{ticker}.zip}
 * (a zip of one CSV, prices in 1/10000 dollars). Any bytes: damaged zips, entries that claim huge sizes, invalid
 * UTF-8, negative or non-numeric prices, duplicate dates. Documented failure: {@link BadRows.BadRowException} naming
 * the file (and line). Every bar read has finite, non-negative prices.
 */
class PriceReaderFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void csv(byte[] data) {
    read("prices.csv", data);
  }

  @FuzzTest(maxDuration = "2m")
  void leanZip(byte[] data) {
    read("aapl.zip", data);
  }

  private static void read(String name, byte[] data) {
    Path f = ParserContract.tempFile(name, data);
    try {
      ParserContract.check("PriceReader.readFile(" + name + ")", () -> {
        List<Bar> bars = PriceReader.readFile(f, BadRows.fail());
        for (Bar b : bars) {
          double[] prices = {b.open(), b.high(), b.low(), b.close()};
          for (double p : prices) {
            if (!Double.isFinite(p) || p < 0) {
              ParserContract.violated("PriceReader.readFile", "a bar with price " + p + ": " + b);
            }
          }
        }
      }, BadRows.BadRowException.class);
    } finally {
      ParserContract.delete(f.getParent());
    }
  }
}
