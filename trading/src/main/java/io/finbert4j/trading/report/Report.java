package io.finbert4j.trading.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.finbert4j.core.train.ModelDirectory;
import io.finbert4j.trading.BacktestResult;
import io.finbert4j.trading.Decision;
import io.finbert4j.trading.EquityPoint;
import io.finbert4j.trading.Trade;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The report folder: metrics.json (flat keys), trades.csv, equity.csv, signals.csv, charts (PNG) and report.html
 * (one self-contained page, images inlined). Written into a staging folder beside the target ({@link #stage}) and
 * moved into place at the end ({@link #publish}), so a reader never sees half a report.
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Display order and names of the summary's figures. */
  static final List<String[]> SUMMARY = List.of(
      new String[] {"total_return", "Total return", "%"},
      new String[] {"compounding_annual_return", "Compounding annual return", "%"},
      new String[] {"annual_standard_deviation", "Annual standard deviation", "%"},
      new String[] {"sharpe_ratio", "Sharpe ratio", ""},
      new String[] {"sortino_ratio", "Sortino ratio", ""},
      new String[] {"probabilistic_sharpe_ratio", "Probabilistic Sharpe ratio", "%"},
      new String[] {"max_drawdown", "Maximum drawdown", "%"},
      new String[] {"max_drawdown_duration_days", "Max drawdown duration (days)", "d"},
      new String[] {"alpha", "Alpha", ""},
      new String[] {"beta", "Beta", ""},
      new String[] {"win_rate", "Win rate", "%"},
      new String[] {"profit_loss_ratio", "Profit-loss ratio", ""},
      new String[] {"turnover", "Turnover (daily mean)", "%"},
      new String[] {"average_gross_exposure", "Gross exposure (mean)", "%"},
      new String[] {"average_net_exposure", "Net exposure (mean)", "%"},
      new String[] {"total_fees", "Total fees", "$"},
      new String[] {"total_trades", "Fills", "n"},
      new String[] {"benchmark_total_return", "Benchmark total return", "%"});

  private Report() {}

  /**
   * A fresh staging folder beside {@code out} (same file system; what a crashed earlier write left there is put
   * right first): the report is written into it and then published with {@link #publish}.
   */
  public static Path stage(Path out) throws IOException {
    return ModelDirectory.tempBeside(out);
  }

  /**
   * Replaces {@code out} with the complete {@code staging} folder: synced, then two renames (the old report is put
   * back if the second fails), so {@code out} is always the old or the new complete report.
   */
  public static void publish(Path staging, Path out) throws IOException {
    ModelDirectory.publish(staging, out, false);
  }

  public static void deleteTree(Path dir) throws IOException {
    ModelDirectory.deleteTree(dir);
  }

  /** Writes every file of the report into {@code dir}; {@code info} (strings) goes to metrics.json too. */
  public static void write(BacktestResult r, Map<String, Object> info, List<String> labels, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> metrics = new LinkedHashMap<>(info);
    metrics.putAll(r.metrics());
    JSON.writeValue(dir.resolve("metrics.json").toFile(), metrics);
    try (Writer w = Files.newBufferedWriter(dir.resolve("trades.csv"), StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader("date", "time", "symbol", "quantity",
            "price", "fee", "position_after", "realized_pnl", "reason").build())) {
      for (Trade t : r.trades()) {
        p.printRecord(t.date(), t.time(), t.symbol(), t.quantity(), fmt(t.price()), fmt(t.fee()), t.positionAfter(),
            Double.isNaN(t.realized()) ? "" : fmt(t.realized()), t.reason());
      }
    }
    try (Writer w = Files.newBufferedWriter(dir.resolve("equity.csv"), StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader("date", "equity", "benchmark", "cash",
            "gross", "net").build())) {
      for (EquityPoint e : r.equity()) {
        p.printRecord(e.date(), fmt(e.equity()), fmt(e.benchmark()), fmt(e.cash()), fmt(e.gross()), fmt(e.net()));
      }
    }
    List<String> header = new ArrayList<>(List.of("date", "symbol", "items"));
    for (String l : labels) {
      header.add("p_" + l);
    }
    header.addAll(List.of("score", "target_weight", "note"));
    try (Writer w = Files.newBufferedWriter(dir.resolve("signals.csv"), StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).build())) {
      for (BacktestResult.DatedSignal ds : r.signals()) {
        Decision.Signal s = ds.signal();
        List<Object> row = new ArrayList<>(List.of(ds.date(), s.symbol(), s.aggregate() == null ? 0 : s.aggregate().items()));
        for (String l : labels) {
          row.add(s.aggregate() == null ? "" : fmt(s.aggregate().p(l)));
        }
        row.add(s.aggregate() == null ? "" : fmt(s.aggregate().score()));
        row.add(fmt(s.targetWeight()));
        row.add(s.note());
        p.printRecord(row);
      }
    }
    Map<String, String> charts = new LinkedHashMap<>();
    Charts.equity(r, dir.resolve("equity.png"));
    charts.put("equity.png", "Equity vs benchmark");
    Charts.drawdown(r, dir.resolve("drawdown.png"));
    charts.put("drawdown.png", "Drawdown");
    Charts.monthly(r, dir.resolve("monthly-returns.png"));
    charts.put("monthly-returns.png", "Monthly returns");
    Files.createDirectories(dir.resolve("symbols"));
    for (String sym : chartedSymbols(r)) {
      String f = "symbols/" + Charts.safe(sym) + ".png";
      Charts.sentiment(r, sym, dir.resolve(f));
      charts.put(f, sym + ": sentiment vs position");
    }
    Files.writeString(dir.resolve("report.html"), html(r, info, charts, dir), StandardCharsets.UTF_8);
  }

  /** Per-symbol charts for at most this many symbols: the most traded ones. */
  public static final int MAX_SYMBOL_CHARTS = 12;

  static List<String> chartedSymbols(BacktestResult r) {
    Map<String, Long> fills = new java.util.TreeMap<>();
    for (String s : r.positions().keySet()) {
      fills.put(s, 0L);
    }
    for (Trade t : r.trades()) {
      fills.merge(t.symbol(), 1L, Long::sum);
    }
    return fills.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey())).limit(MAX_SYMBOL_CHARTS).map(Map.Entry::getKey).sorted().toList();
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }

  static String show(String key, double v, String unit) {
    return switch (unit) {
      case "%" -> String.format(Locale.ROOT, "%.2f %%", 100 * v);
      case "$" -> String.format(Locale.ROOT, "$%,.2f", v);
      case "d", "n" -> String.format(Locale.ROOT, "%.0f", v);
      default -> String.format(Locale.ROOT, "%.3f", v);
    };
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static String html(BacktestResult r, Map<String, Object> info, Map<String, String> charts, Path dir)
      throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>finbert backtest: ")
        .append(esc(r.strategy())).append("</title><style>")
        .append("body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1060px}")
        .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{padding:4px 12px;border-bottom:1px solid #ddd;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
        .append("img{max-width:100%;border:1px solid #eee}.meta{color:#666;font-size:13px}.grid{display:flex;gap:32px;flex-wrap:wrap}")
        .append("</style></head><body>");
    h.append("<h1>Backtest: ").append(esc(r.strategy())).append("</h1><p class=\"meta\">");
    List<String> meta = new ArrayList<>();
    info.forEach((k, v) -> meta.add(esc(k) + ": " + esc(String.valueOf(v))));
    h.append(String.join(" &middot; ", meta)).append("</p><div class=\"grid\"><table><tr><th>Statistic</th><th>Value</th></tr>");
    int half = (SUMMARY.size() + 1) / 2;
    for (int i = 0; i < SUMMARY.size(); i++) {
      if (i == half) {
        h.append("</table><table><tr><th>Statistic</th><th>Value</th></tr>");
      }
      String[] s = SUMMARY.get(i);
      Double v = r.metrics().get(s[0]);
      h.append("<tr><td>").append(esc(s[1])).append("</td><td class=\"n\">")
          .append(v == null ? "" : esc(show(s[0], v, s[2]))).append("</td></tr>");
    }
    h.append("</table></div>");
    for (Map.Entry<String, String> c : charts.entrySet()) {
      byte[] png = Files.readAllBytes(dir.resolve(c.getKey()));
      h.append("<h2>").append(esc(c.getValue())).append("</h2><img alt=\"").append(esc(c.getValue()))
          .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">");
    }
    h.append("<h2>Last trades</h2><table><tr><th>Date</th><th>Symbol</th><th>Qty</th><th>Price</th><th>Reason</th></tr>");
    List<Trade> ts = r.trades();
    for (Trade t : ts.subList(Math.max(0, ts.size() - 15), ts.size())) {
      h.append("<tr><td>").append(t.date()).append("</td><td>").append(esc(t.symbol())).append("</td><td class=\"n\">")
          .append(t.quantity()).append("</td><td class=\"n\">").append(String.format(Locale.ROOT, "%.2f", t.price()))
          .append("</td><td>").append(esc(t.reason())).append("</td></tr>");
    }
    h.append("</table><p class=\"meta\">Statistics follow QuantConnect LEAN's definitions (daily returns, 252 days a year); ")
        .append("see the README's Trading section. Files: metrics.json, trades.csv, equity.csv, signals.csv.</p></body></html>");
    return h.toString();
  }

  /** The one-screen text summary. */
  public static String summary(BacktestResult r, Map<String, Object> info) {
    StringBuilder sb = new StringBuilder();
    List<java.time.LocalDate> d = r.dates();
    sb.append(String.format(Locale.ROOT, "backtest %s: %s to %s, %d sessions, capital $%,.0f%n", r.strategy(),
        d.get(0), d.get(d.size() - 1), d.size(), r.config().capital()));
    for (String[] s : SUMMARY) {
      Double v = r.metrics().get(s[0]);
      if (v != null) {
        sb.append(String.format(Locale.ROOT, "  %-30s %14s%n", s[1], show(s[0], v, s[2])));
      }
    }
    if (info.containsKey("finetune_seconds_total")) {
      sb.append(String.format(Locale.ROOT, "  %-30s %14s%n", "Fine-tuning (months, total)",
          info.get("finetune_months") + ", " + info.get("finetune_seconds_total") + " s"));
    }
    Map<YearMonth, Double> m = Charts.monthlyReturns(r);
    if (!m.isEmpty()) {
      sb.append("  monthly returns (%):");
      int i = 0;
      for (Map.Entry<YearMonth, Double> e : m.entrySet()) {
        if (i++ % 6 == 0) {
          sb.append(String.format("%n    "));
        }
        sb.append(String.format(Locale.ROOT, "%s %+6.2f  ", e.getKey(), e.getValue()));
      }
      sb.append(String.format("%n"));
    }
    return sb.toString();
  }
}
