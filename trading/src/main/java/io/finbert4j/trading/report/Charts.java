package io.finbert4j.trading.report;

import io.finbert4j.trading.BacktestResult;
import io.finbert4j.trading.EquityPoint;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn with XChart and saved as PNG. */
final class Charts {
  static final int W = 1000;
  static final int H = 380;

  private Charts() {
    System.setProperty("java.awt.headless", "true");
  }

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static List<Date> dates(List<LocalDate> ds) {
    List<Date> out = new ArrayList<>(ds.size());
    for (LocalDate d : ds) {
      out.add(Date.from(d.atStartOfDay().toInstant(ZoneOffset.UTC)));
    }
    return out;
  }

  private static XYChart xy(String title, String yTitle) {
    XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle("").yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    c.getStyler().setDatePattern("yyyy-MM-dd");
    c.getStyler().setLocale(Locale.ROOT);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
    c.getStyler().setMarkerSize(0);
    c.getStyler().setTimezone(java.util.TimeZone.getTimeZone("UTC"));
    return c;
  }

  static void equity(BacktestResult r, Path file) throws IOException {
    XYChart c = xy("Equity vs benchmark", "USD");
    List<Date> x = dates(r.dates());
    c.addSeries("strategy", x, r.equity().stream().map(EquityPoint::equity).toList()).setMarker(SeriesMarkers.NONE);
    c.addSeries("benchmark", x, r.equity().stream().map(EquityPoint::benchmark).toList()).setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  static void drawdown(BacktestResult r, Path file) throws IOException {
    XYChart c = xy("Drawdown", "% below the running peak");
    List<Double> dd = new ArrayList<>();
    double peak = r.config().capital();
    for (EquityPoint p : r.equity()) {
      peak = Math.max(peak, p.equity());
      dd.add(100 * (p.equity() / peak - 1));
    }
    XYSeries s = c.addSeries("drawdown", dates(r.dates()), dd);
    s.setMarker(SeriesMarkers.NONE);
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
    s.setFillColor(new Color(200, 60, 60, 120));
    s.setLineColor(new Color(200, 60, 60));
    c.getStyler().setLegendVisible(false);
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Monthly returns (%), year by month. */
  static Map<YearMonth, Double> monthlyReturns(BacktestResult r) {
    Map<YearMonth, Double> out = new TreeMap<>();
    double prev = r.config().capital();
    YearMonth cur = null;
    double startOfMonth = prev;
    for (EquityPoint p : r.equity()) {
      YearMonth ym = YearMonth.from(p.date());
      if (cur != null && !ym.equals(cur)) {
        out.put(cur, 100 * (prev / startOfMonth - 1));
        startOfMonth = prev;
      }
      cur = ym;
      prev = p.equity();
    }
    if (cur != null) {
      out.put(cur, 100 * (prev / startOfMonth - 1));
    }
    return out;
  }

  static void monthly(BacktestResult r, Path file) throws IOException {
    Map<YearMonth, Double> m = monthlyReturns(r);
    List<Integer> years = m.keySet().stream().map(YearMonth::getYear).distinct().sorted().toList();
    List<String> months = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");
    List<Number[]> cells = new ArrayList<>();
    double maxAbs = 0.01;
    for (Map.Entry<YearMonth, Double> e : m.entrySet()) {
      cells.add(new Number[] {e.getKey().getMonthValue() - 1, years.indexOf(e.getKey().getYear()),
          Math.round(e.getValue() * 100) / 100.0});
      maxAbs = Math.max(maxAbs, Math.abs(e.getValue()));
    }
    HeatMapChart c = new HeatMapChartBuilder().width(W).height(Math.max(200, 120 + 50 * years.size()))
        .title("Monthly returns (%)").build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setShowValue(true);
    c.getStyler().setHeatMapValueDecimalPattern("0.00");
    c.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    c.getStyler().setRangeColors(new Color[] {new Color(200, 60, 60), Color.WHITE, new Color(60, 150, 80)});
    c.getStyler().setMin(-maxAbs);
    c.getStyler().setMax(maxAbs);
    c.getStyler().setLegendVisible(false);
    c.addSeries("monthly", months, years.stream().map(String::valueOf).toList(), cells);
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** One symbol: aggregate sentiment score at each decision against the weight held at each close. */
  static void sentiment(BacktestResult r, String symbol, Path file) throws IOException {
    XYChart c = xy(symbol + ": sentiment score vs position", "score");
    List<Date> sx = new ArrayList<>();
    List<Double> sy = new ArrayList<>();
    for (BacktestResult.DatedSignal s : r.signals()) {
      if (s.signal().symbol().equals(symbol) && s.signal().aggregate() != null && s.signal().aggregate().items() > 0) {
        sx.add(Date.from(s.date().atStartOfDay().toInstant(ZoneOffset.UTC)));
        sy.add(s.signal().aggregate().score());
      }
    }
    if (sx.isEmpty()) {
      sx.add(Date.from(r.dates().get(0).atStartOfDay().toInstant(ZoneOffset.UTC)));
      sy.add(0.0);
    }
    XYSeries a = c.addSeries("sentiment score (decisions with news)", sx, sy);
    a.setMarker(SeriesMarkers.CIRCLE);
    a.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    c.getStyler().setMarkerSize(4);
    double[] pos = r.positions().get(symbol);
    List<Double> py = new ArrayList<>();
    for (double v : pos) {
      py.add(v);
    }
    XYSeries p = c.addSeries("position (weight)", dates(r.dates()), py);
    p.setMarker(SeriesMarkers.NONE);
    p.setYAxisGroup(1);
    p.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
    c.setYAxisGroupTitle(1, "weight");
    c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    c.getStyler().setYAxisDecimalPattern("0.00");
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  static String safe(String symbol) {
    return symbol.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
  }
}
