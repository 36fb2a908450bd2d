package io.finbert4j.trading.synthetic;

import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.PriceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * {@code WriteSyntheticMarket daily|monthly DIR [seed]}: writes a SYNTHETIC market ({@code news.csv},
 * {@code prices.csv}) for trying the strategies; {@code daily} is the quickstart's, {@code monthly} the one of the
 * README's monthly-algorithm table (6 companies, 2 years from 2022-01-03).
 */
public final class WriteSyntheticMarket {
  private WriteSyntheticMarket() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || !(args[0].equals("daily") || args[0].equals("monthly"))) {
      throw new IllegalArgumentException("usage: WriteSyntheticMarket daily|monthly DIR [seed]");
    }
    Path dir = Files.createDirectories(Path.of(args[1]));
    long seed = args.length > 2 ? Long.parseLong(args[2]) : args[0].equals("daily") ? 7 : 11;
    SyntheticMarket.Market m = args[0].equals("daily")
        ? SyntheticMarket.generate(SyntheticMarket.Spec.defaults().withSeed(seed))
        : SyntheticMarket.monthly(seed, 6, LocalDate.of(2022, 1, 3), 24, 0.004);
    NewsReader.writeCsv(m.news(), dir.resolve("news.csv"));
    PriceReader.writeCsv(m.prices(), dir.resolve("prices.csv"));
    System.out.println("wrote " + m.news().size() + " news items and " + m.prices().all().size() + " bars to " + dir);
  }
}
