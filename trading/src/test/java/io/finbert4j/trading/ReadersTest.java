package io.finbert4j.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.trading.data.BadRows;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.PriceReader;
import io.finbert4j.trading.data.Prices;
import io.finbert4j.trading.data.TextField;
import io.finbert4j.trading.data.TiingoNews;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
  @TempDir Path tmp;

  @Test
  void newsCsvAndJsonLines() throws Exception {
    Path csv = tmp.resolve("n.csv");
    Files.writeString(csv, "time,symbols,title,description,tags,id\n"
        + "2024-03-08T16:05:00-05:00,aapl;MSFT,Up,,SEC;lawsuit,a1\n"
        + "2024-03-08T22:00:00Z,AAPL,Down,Body text,,\n");
    List<NewsItem> n = NewsReader.read(csv, BadRows.fail());
    assertEquals(2, n.size());
    assertEquals(Instant.parse("2024-03-08T21:05:00Z"), n.get(0).available());
    assertEquals(List.of("AAPL", "MSFT"), n.get(0).symbols());
    assertEquals(List.of("sec", "lawsuit"), n.get(0).tags());
    assertEquals("Up", n.get(0).text(TextField.DESCRIPTION)); // empty description falls back to the title
    assertEquals("Body text", n.get(1).text(TextField.DESCRIPTION));
    assertEquals("Down. Body text", n.get(1).text(TextField.TITLE_DESCRIPTION));
    assertTrue(n.get(1).id().endsWith("n.csv:3"));
    Path jl = tmp.resolve("n.jsonl");
    Files.writeString(jl, "{\"time\":\"2024-03-08T16:05:00-05:00\",\"symbols\":[\"aapl\"],\"title\":\"Up\",\"tags\":[\"SEC\"]}\n");
    assertEquals(Instant.parse("2024-03-08T21:05:00Z"), NewsReader.read(jl, BadRows.fail()).get(0).available());
  }

  @Test
  void malformedNewsNamesFileLineAndProblem() throws Exception {
    Path f = tmp.resolve("bad.csv");
    Files.writeString(f, "time,symbols,title\n2024-03-08T16:05:00-05:00,AAPL,ok\nyesterday,AAPL,bad\n");
    var e = assertThrows(BadRows.BadRowException.class, () -> NewsReader.read(f, BadRows.fail()));
    assertTrue(e.getMessage().contains("bad.csv:3") && e.getMessage().contains("unparseable time 'yesterday'"),
        e.getMessage());
    BadRows skip = BadRows.skip();
    assertEquals(1, NewsReader.read(f, skip).size());
    assertEquals(1, skip.count());
    Files.writeString(f, "time,symbols,title,color\n");
    e = assertThrows(BadRows.BadRowException.class, () -> NewsReader.read(f, BadRows.fail()));
    assertTrue(e.getMessage().contains("bad.csv:1: unknown column 'color'"), e.getMessage());
    Files.writeString(f, "time,symbols,title\n2024-03-08T16:05:00,AAPL,no offset\n");
    e = assertThrows(BadRows.BadRowException.class, () -> NewsReader.read(f, BadRows.fail()));
    assertTrue(e.getMessage().contains("has no offset"), e.getMessage());
  }

  @Test
  void malformedPricesNameFileLineAndProblem() throws Exception {
    Path f = tmp.resolve("p.csv");
    Files.writeString(f, "date,symbol,open,high,low,close,volume\n2024-03-08,AAPL,1,2,0.5,1.5,100\n"
        + "2024-03-11,AAPL,-1,2,0.5,1.5,100\n");
    var e = assertThrows(BadRows.BadRowException.class, () -> PriceReader.read(f, BadRows.fail()));
    assertTrue(e.getMessage().contains("p.csv:3: negative price for AAPL on 2024-03-11"), e.getMessage());
    Files.writeString(f, "date,symbol,open,high,low,close,volume\n2024-03-08,AAPL,1,2,0.5,1.5,100\n"
        + "2024-03-08,AAPL,1,2,0.5,1.5,100\n");
    e = assertThrows(BadRows.BadRowException.class, () -> PriceReader.read(f, BadRows.fail()));
    assertTrue(e.getMessage().contains("p.csv:3: duplicate bar for AAPL on 2024-03-08"), e.getMessage());
    // an unterminated quote: commons-csv throws an unchecked exception, which must become the file's message
    Files.writeString(f, "date,symbol,open,high,low,close,volume\n2024-03-08,\"AAPL,1,2,0.5,1.5,100\n");
    e = assertThrows(BadRows.BadRowException.class, () -> PriceReader.read(f, BadRows.fail()));
    assertTrue(e.getMessage().contains("p.csv: malformed CSV"), e.getMessage());
    Files.writeString(f, "date,symbol,open,high,low,close\n2024-03-08,AAPL,1,2,0.5,1.5\n");
    e = assertThrows(BadRows.BadRowException.class, () -> PriceReader.read(f, BadRows.fail()));
    assertTrue(e.getMessage().contains("p.csv:1: price CSV needs the columns") && e.getMessage().contains("volume"),
        e.getMessage());
    Files.writeString(f, "date,symbol,open,high,low,close,volume,vwap\n");
    e = assertThrows(BadRows.BadRowException.class, () -> PriceReader.read(f, BadRows.fail()));
    assertTrue(e.getMessage().contains("unknown column 'vwap'"), e.getMessage());
    Files.writeString(f, "date,symbol,open,high,low,close,volume\n2024-03-08,AAPL,1,2,0.5,1.5,100\n"
        + "2024-13-08,AAPL,1,2,0.5,1.5,100\n2024-03-12,AAPL,x,2,0.5,1.5,100\n");
    BadRows skip = BadRows.skip();
    Prices p = PriceReader.read(f, skip);
    assertEquals(1, p.all().size());
    assertEquals(2, skip.count());
    assertTrue(skip.messages().get(0).contains("unparseable date '2024-13-08'"), skip.messages().get(0));
    assertTrue(skip.messages().get(1).contains("unparseable open 'x'"), skip.messages().get(1));
  }

  @Test
  void leanDailyZipIsInDeciCents() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("equity/usa/daily"));
    try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(dir.resolve("spy.zip")))) {
      zos.putNextEntry(new java.util.zip.ZipEntry("spy.csv"));
      zos.write("20240308 00:00,5120000,5130000,5100000,5125500,1000\n".getBytes());
      zos.closeEntry();
    }
    Prices p = PriceReader.read(tmp, BadRows.fail());
    assertEquals(512.55, p.bars("SPY").get(0).close(), 1e-9);
  }

  @Test
  void tiingoAvailabilityIsLeans() {
    Instant pub = Instant.parse("2024-03-01T10:00:00Z");
    Instant crawlSoon = Instant.parse("2024-03-01T10:20:00Z");
    Instant crawlLate = Instant.parse("2024-03-05T10:00:00Z");
    Instant time = Instant.parse("2024-03-01T10:30:00Z");
    assertEquals(time, TiingoNews.availability(time, crawlLate, pub));
    assertEquals(crawlSoon, TiingoNews.availability(null, crawlSoon, pub));
    assertEquals(pub.plusSeconds(3600), TiingoNews.availability(null, crawlLate, pub)); // back-filled
  }

  @Test
  void tiingoLayoutRoundTrip() throws Exception {
    List<NewsItem> items = List.of(
        new NewsItem("n1", Instant.parse("2024-03-08T21:05:00Z"), List.of("AAPL", "MSFT"), "T1", "D1", "src",
            List.of("sec"), null, ""),
        new NewsItem("n2", Instant.parse("2024-03-09T01:00:00Z"), List.of("AAPL"), "T2", "", "src", List.of(), null, ""));
    TiingoNews.write(items, tmp);
    assertTrue(Files.isRegularFile(tmp.resolve("alternative/tiingo/aapl/20240308.csv")));
    assertTrue(Files.isRegularFile(tmp.resolve("alternative/tiingo/content/20240309.zip")));
    List<NewsItem> back = NewsReader.read(tmp, BadRows.fail());
    assertEquals(2, back.size());
    assertEquals(items.get(0).available(), back.get(0).available());
    assertEquals(List.of("AAPL", "MSFT"), back.get(0).symbols());
    assertEquals("D1", back.get(0).description());
  }
}
