package io.finbert4j.reliability.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.finbert4j.cli.Main;
import io.finbert4j.cli.onnx.OnnxBertExporter;
import io.finbert4j.core.FinBert;
import io.finbert4j.reliability.fuzz.Fixture;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.PriceReader;
import io.finbert4j.trading.score.ScoreCache;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import io.finbert4j.weights.BertCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI's writes survive SIGKILL at random points: for {@code init}, {@code convert}, {@code import-onnx},
 * {@code finetune} and {@code backtest} (score cache and report), a child JVM writes over an older complete output and is killed (Process.destroyForcibly, i.e.
 * SIGKILL on Unix) either at a random time or a random few milliseconds after its first temporary file appears (the
 * write itself), several seeds each. Afterwards the output must be the old complete version, the new complete version
 * or absent (only when it was absent before) — never a partial file under the final name — and a rerun must finish
 * correctly. The reference "new" outputs are made in this JVM; the runs after a kill are in-process too (faster).
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class KillAtRandomTest {
  private static final int SEEDS = 3;
  /** Longest random delay for the "random time" seeds (seed 0 of each command). */
  private static final long MAX_RANDOM_DELAY_MS = 4000;
  /** Longest delay after the first temporary appears for the other seeds. */
  private static final long MAX_WRITE_DELAY_MS = 40;

  @TempDir static Path tmp;
  private static Path trainCsv;

  @BeforeAll
  static void data() throws IOException {
    StringBuilder sb = new StringBuilder("label,text\n");
    String[] labels = {"positive", "negative", "neutral"};
    String[] texts = {"Operating profit rose to EUR 13.1 mn", "Net sales fell 9 % after the warning",
        "The company will publish its report in May"};
    for (int i = 0; i < 48; i++) {
      sb.append(labels[i % 3]).append(",\"").append(texts[i % 3]).append(" (item ").append(i).append(")\"\n");
    }
    trainCsv = Files.writeString(tmp.resolve("train.csv"), sb.toString());
  }

  /** Runs the CLI in this JVM (for old versions, references and reruns); fails on a non-zero exit. */
  static void runHere(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    int rc = cl.execute(args);
    assertEquals(0, rc, "finbert " + String.join(" ", args) + " failed:\n" + out);
  }

  /** sha256 of every regular file under {@code dir}, by relative path; empty map when {@code dir} is absent. */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (!Files.exists(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        try {
          byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
          m.put(dir.relativize(p).toString(), HexFormat.of().formatHex(d));
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return m;
  }

  /**
   * Starts the child, kills it per {@code seed}'s plan, and returns after it died (or finished first). Seed 0: a
   * random time; other seeds: a random few ms after an entry named {@code .<name>...} appears in {@code watch}.
   */
  static boolean runAndKill(long seed, Path watch, String prefix, Path log, String... args) throws Exception {
    return runAndKillWhen(seed, () -> hasTemporary(watch, prefix), log, args);
  }

  /** A condition polled while the child runs (for the seeds that kill a few ms after the write starts). */
  interface Started {
    boolean now() throws IOException;
  }

  /** As {@link #runAndKill}, with the seeds other than 0 killing a random few ms after {@code writing} holds. */
  static boolean runAndKillWhen(long seed, Started writing, Path log, String... args) throws Exception {
    Random rnd = new Random(seed);
    return seed % SEEDS == 0
        ? startAndKill(() -> true, 60, 1 + rnd.nextInt((int) MAX_RANDOM_DELAY_MS), log, args)
        : startAndKill(writing, 60, rnd.nextInt((int) MAX_WRITE_DELAY_MS + 1), log, args);
  }

  /**
   * Starts the child, waits (at most {@code waitSeconds}) until {@code writing} holds, then {@code delayMs} more (or
   * until the child ends), and kills it with SIGKILL; fails if it had ended with an error. Returns whether it was
   * killed (false: it finished first).
   */
  static boolean startAndKill(Started writing, long waitSeconds, long delayMs, Path log, String... args)
      throws Exception {
    long started = System.nanoTime();
    Process p = ChildCli.start(tmp, log, args);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
      while (p.isAlive() && !writing.now() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      p.waitFor(delayMs, TimeUnit.MILLISECONDS);
      boolean killed = p.isAlive();
      long ms = (System.nanoTime() - started) / 1_000_000;
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks, no flush
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not die");
      if (!killed && p.exitValue() != 0) {
        fail("child exited with " + p.exitValue() + " before the kill:\n" + Files.readString(log));
      }
      System.out.printf("%s: %s after %d ms%n", String.join(" ", args).substring(0, Math.min(60,
          String.join(" ", args).length())), killed ? "SIGKILL" : "finished before the kill", ms);
      return killed;
    } finally {
      p.destroyForcibly();
    }
  }

  private static boolean hasTemporary(Path dir, String prefix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(dir, 2)) {
      return s.anyMatch(f -> {
        String n = f.getFileName().toString();
        return n.startsWith(prefix) && (n.contains(".tmp") || n.contains(".old-"));
      });
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
      return false; // a file vanished during the walk (the child's own temporaries, SQLite's journal): look again
    }
  }

  /** The state after a kill: exactly the old snapshot, or the new one (structurally checked by {@code complete}). */
  static void assertOldOrNew(String what, Map<String, String> old, Map<String, String> fresh, Map<String, String> now,
      Predicate<Map<String, String>> completeNew) {
    if (now.equals(old) || now.equals(fresh) || completeNew.test(now)) {
      System.out.printf("  %s: %s%n", what, now.equals(old) ? "old version" : "new version");
      return;
    }
    fail(what + ": after SIGKILL the output is neither the old nor the new complete version:\n  now " + now.keySet()
        + "\n  old " + old.keySet() + "\n  new " + fresh.keySet());
  }

  /** Every file of the listed (top-level) output is the old or the new version: per-file atomicity. */
  static void assertEachFileOldOrNew(String what, Map<String, String> old, Map<String, String> fresh,
      Map<String, String> now) {
    for (Map.Entry<String, String> e : now.entrySet()) {
      String f = e.getKey();
      if (f.startsWith(".") || f.contains("/.")) {
        continue; // temporaries under their own names are allowed (cleaned by the next write)
      }
      assertTrue(e.getValue().equals(old.get(f)) || e.getValue().equals(fresh.get(f)),
          what + ": " + f + " is a partial or foreign file under its final name");
    }
  }

  /** A model directory that loads strictly and analyzes (the "new complete version" test for trained outputs). */
  static boolean loads(Path dir) {
    try (FinBert f = FinBert.load(dir)) {
      return f.analyze("Profit rose.").probabilities().size() == 3;
    } catch (Exception | AssertionError e) {
      return false;
    }
  }

  /** Top-level view of a snapshot: only the files directly in the directory (not in .tmp or checkpoint folders). */
  static Map<String, String> topLevel(Map<String, String> s) {
    Map<String, String> m = new TreeMap<>();
    s.forEach((k, v) -> {
      if (!k.contains("/") && !k.startsWith(".")) {
        m.put(k, v);
      }
    });
    return m;
  }

  @Test
  void initSurvivesSigkill() throws Exception {
    Path ref = tmp.resolve("init-ref");
    runHere("init", "--from", Fixture.dir().toString(), "--labels", "a,b,c", "--seed", "2", "--out", ref.toString());
    Map<String, String> fresh = snapshot(ref);
    for (long seed = 0; seed < SEEDS; seed++) {
      Path out = tmp.resolve("init-" + seed);
      runHere("init", "--from", Fixture.dir().toString(), "--labels", "x,y", "--seed", "1", "--out", out.toString());
      Map<String, String> old = snapshot(out);
      runAndKill(seed, tmp, ".init-" + seed + ".", tmp.resolve("init-" + seed + ".log"), "init", "--from", Fixture.dir().toString(),
          "--labels", "a,b,c", "--seed", "2", "--out", out.toString());
      assertOldOrNew("init seed " + seed, old, fresh, snapshot(out), s -> false);
      runHere("init", "--from", Fixture.dir().toString(), "--labels", "a,b,c", "--seed", "2", "--out", out.toString());
      assertEquals(fresh, snapshot(out), "rerun after the kill");
      assertNoLeftovers(out);
    }
  }

  @Test
  void convertSurvivesSigkill() throws Exception {
    Path src = tmp.resolve("convert-src");
    Files.createDirectories(src);
    for (String f : List.of("config.json", "vocab.txt", "tokenizer_config.json", "pytorch_model.bin")) {
      Files.copy(Fixture.dir().resolve(f), src.resolve(f));
    }
    Path ref = tmp.resolve("convert-ref");
    runHere("convert", "--model", src.toString(), "--out", ref.toString());
    Map<String, String> fresh = snapshot(ref);
    for (long seed = 0; seed < SEEDS; seed++) {
      Path out = tmp.resolve("convert-" + seed);
      // the old version: another model's files under the same names
      runHere("init", "--from", Fixture.dir().toString(), "--labels", "x,y", "--seed", "1", "--out", out.toString());
      Map<String, String> old = snapshot(out);
      runAndKill(seed, out, ".", tmp.resolve("convert-" + seed + ".log"), "convert", "--model", src.toString(), "--out",
          out.toString());
      assertEachFileOldOrNew("convert seed " + seed, old, fresh, snapshot(out));
      runHere("convert", "--model", src.toString(), "--out", out.toString());
      Map<String, String> after = snapshot(out);
      for (Map.Entry<String, String> e : fresh.entrySet()) {
        assertEquals(e.getValue(), after.get(e.getKey()), "rerun: " + e.getKey());
      }
    }
  }

  @Test
  void importOnnxSurvivesSigkill() throws Exception {
    Path onnx = tmp.resolve("tiny.onnx");
    OnnxBertExporter.export(Fixture.dir(), onnx);
    Path tokJson = tokenizerJson(tmp.resolve("tokenizer.json"));
    Path ref = tmp.resolve("onnx-ref");
    runHere("import-onnx", "--onnx", onnx.toString(), "--tokenizer", tokJson.toString(), "--out", ref.toString());
    Map<String, String> fresh = snapshot(ref);
    for (long seed = 0; seed < SEEDS; seed++) {
      Path out = tmp.resolve("onnx-" + seed);
      runHere("init", "--from", Fixture.dir().toString(), "--labels", "x,y", "--seed", "1", "--out", out.toString());
      Map<String, String> old = snapshot(out);
      runAndKill(seed, tmp, ".onnx-" + seed + ".", tmp.resolve("onnx-" + seed + ".log"), "import-onnx", "--onnx", onnx.toString(),
          "--tokenizer", tokJson.toString(), "--out", out.toString());
      Map<String, String> now = snapshot(out);
      // the old directory's own files are kept by an import (it only adds and replaces model files)
      Map<String, String> merged = new TreeMap<>(old);
      merged.putAll(fresh);
      assertOldOrNew("import-onnx seed " + seed, old, merged, now, s -> false);
      runHere("import-onnx", "--onnx", onnx.toString(), "--tokenizer", tokJson.toString(), "--out", out.toString());
      assertEquals(merged, snapshot(out), "rerun after the kill");
      assertNoLeftovers(out);
    }
  }

  /**
   * {@code import-onnx --minilm} extracts the bundled ONNX files (~90 MB) before importing: the extraction goes to a
   * temporary folder beside the output and is published with the model, so a kill during it leaves the old output.
   */
  @Test
  void importOnnxMiniLmSurvivesSigkill() throws Exception {
    Path ref = tmp.resolve("minilm-ref");
    runHere("import-onnx", "--minilm", "--out", ref.toString());
    Map<String, String> fresh = snapshot(ref);
    assertTrue(fresh.containsKey("onnx/" + io.finbert4j.cli.onnx.MiniLmResources.ONNX_RESOURCE), fresh.keySet()
        .toString());
    for (long seed = 0; seed < SEEDS; seed++) {
      Path out = tmp.resolve("minilm-" + seed);
      runHere("init", "--from", Fixture.dir().toString(), "--labels", "x,y", "--seed", "1", "--out", out.toString());
      Map<String, String> old = snapshot(out);
      runAndKill(seed, tmp, ".minilm-" + seed + ".", tmp.resolve("minilm-" + seed + ".log"), "import-onnx",
          "--minilm", "--out", out.toString());
      Map<String, String> merged = new TreeMap<>(old);
      merged.putAll(fresh);
      assertOldOrNew("import-onnx --minilm seed " + seed, old, merged, snapshot(out), s -> false);
      runHere("import-onnx", "--minilm", "--out", out.toString());
      assertEquals(merged, snapshot(out), "rerun after the kill");
      assertNoLeftovers(out);
    }
  }

  @Test
  void finetuneSurvivesSigkillAndResumes() throws Exception {
    String[] common = {"--train", trainCsv.toString(), "--batch-size", "8", "--runs", "1", "--max-length", "32",
        "--quiet"};
    for (long seed = 0; seed < SEEDS; seed++) {
      Path out = tmp.resolve("ft-" + seed);
      runHere(concat(new String[] {"finetune", "--model", Fixture.dir().toString(), "--out", out.toString(),
          "--epochs", "1", "--seed", "1"}, common));
      Map<String, String> old = snapshot(out);
      boolean killed = runAndKill(seed, out, ".", tmp.resolve("ft-" + seed + ".log"),
          concat(new String[] {"finetune", "--model", Fixture.dir().toString(), "--out", out.toString(), "--seed", "2",
              "--epochs", "3"}, common));
      Map<String, String> now = snapshot(out);
      Map<String, String> nowTop = topLevel(now);
      boolean isOld = nowTop.equals(topLevel(old));
      assertTrue(isOld || (nowTop.keySet().equals(topLevel(old).keySet()) && loads(out)),
          "finetune seed " + seed + (killed ? " (killed)" : " (finished)") + ": output is neither the old nor a "
              + "complete new model: " + now.keySet());
      // checkpoints inside are complete too (each one loads)
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(out, "checkpoint-*")) {
        for (Path ck : ds) {
          assertTrue(loads(ck), "checkpoint " + ck + " is complete");
        }
      }
      Path last = out.resolve("checkpoint-last");
      if (!isOld && Files.isDirectory(last)) {
        // --resume from the last completed epoch of the killed run, as the README documents
        runHere(concat(new String[] {"finetune", "--resume", last.toString(), "--out", out.toString(), "--seed", "2",
            "--epochs", "3"}, common));
        String state = Files.readString(out.resolve("checkpoint-last").resolve("trainer_state.json"));
        assertTrue(state.replaceAll("\\s", "").contains("\"epoch\":3"), "resumed to the end: " + state);
      } else {
        runHere(concat(new String[] {"finetune", "--model", Fixture.dir().toString(), "--out", out.toString(),
            "--seed", "2", "--epochs", "3"}, common));
      }
      assertTrue(loads(out), "rerun produced a loadable model");
      assertNoLeftovers(out);
    }
  }

  /**
   * {@code finbert backtest}'s two writes: the score cache (SQLite, WAL, one transaction per batch of scores) and the
   * report folder (published atomically over the previous report). After a SIGKILL during the scoring or the report:
   * the cache passes SQLite's integrity check and holds only whole, correct rows (each equal to the reference score of
   * its text); the report is the old one or the new one, complete; a rerun on the same cache scores only what is
   * missing and writes the same report as a run without any cache.
   */
  @Test
  void backtestScoreCacheAndReportSurviveSigkill() throws Exception {
    Path market = Files.createDirectories(tmp.resolve("market"));
    // a larger market than the quickstart's, each headline made distinct: enough texts that scoring takes a while
    SyntheticMarket.Market m = SyntheticMarket.generate(SyntheticMarket.Spec.defaults().withSessions(200)
        .withCompanies(8));
    List<NewsItem> distinct = new ArrayList<>();
    for (NewsItem n : m.news()) {
      distinct.add(new NewsItem(n.id(), n.available(), n.symbols(), n.title() + " (report " + n.id() + ")",
          n.description(), n.source(), n.tags(), n.published(), n.origin()));
    }
    Path news = market.resolve("news.csv");
    Path prices = market.resolve("prices.csv");
    NewsReader.writeCsv(distinct, news);
    PriceReader.writeCsv(m.prices(), prices);
    String[] common = {"backtest", "--model", Fixture.dir().toString(), "--news", news.toString(), "--prices",
        prices.toString(), "--text", "title"};
    Path refCache = tmp.resolve("bt-ref.sqlite");
    Path refReport = tmp.resolve("bt-ref-report");
    runHere(concat(common, new String[] {"--cache", refCache.toString(), "--out", refReport.toString()}));
    Map<String, String> refRows = cacheRows(refCache);
    assertTrue(refRows.size() > 200, "a market with enough texts to kill the scoring midway: " + refRows.size());
    Map<String, String> fresh = reportText(refReport);
    Path noCache = tmp.resolve("bt-nocache-report");
    runHere(concat(common, new String[] {"--no-cache", "--out", noCache.toString()}));
    assertSameReport(fresh, reportText(noCache), "the cache does not change the report");
    // how long a whole child run takes here, so that the kills fall inside it
    long t0 = System.nanoTime();
    Process whole = ChildCli.start(tmp, tmp.resolve("bt-whole.log"), concat(common, new String[] {"--cache",
        tmp.resolve("bt-whole.sqlite").toString(), "--out", tmp.resolve("bt-whole-report").toString()}));
    assertTrue(whole.waitFor(120, TimeUnit.SECONDS) && whole.exitValue() == 0, Files.readString(tmp.resolve(
        "bt-whole.log")));
    long wholeMs = (System.nanoTime() - t0) / 1_000_000;
    for (long seed = 0; seed < SEEDS; seed++) {
      Path cache = tmp.resolve("bt-" + seed + ".sqlite");
      Path report = tmp.resolve("bt-" + seed + "-report");
      // the old report: another strategy setting over the same folder
      runHere(concat(common, new String[] {"--no-cache", "--fill", "close", "--out", report.toString()}));
      Map<String, String> old = reportText(report);
      Random rnd = new Random(seed);
      // seed 0: a random time in the second half of a whole run; 1: a random time after the first committed batch
      // (inside the scoring); 2: a few ms after the report's temporary folder appears (inside the report's write)
      Started writing = switch ((int) seed) {
        case 0 -> () -> true;
        case 1 -> () -> Files.exists(cache) && rowCount(cache) > 0;
        default -> () -> hasTemporary(tmp, "." + report.getFileName() + ".");
      };
      long delay = switch ((int) seed) {
        case 0 -> wholeMs / 2 + rnd.nextInt((int) Math.max(1, wholeMs / 2));
        case 1 -> rnd.nextInt((int) Math.max(1, wholeMs / 4));
        default -> rnd.nextInt((int) MAX_WRITE_DELAY_MS + 1);
      };
      boolean killed = startAndKill(writing, 120, delay, tmp.resolve("bt-" + seed + ".log"), concat(common,
          new String[] {"--cache", cache.toString(), "--out", report.toString()}));
      System.out.printf("backtest seed %d: %s (a whole run: %d ms)%n", seed, killed ? "SIGKILL"
          : "finished before the kill", wholeMs);
      Map<String, String> now = reportText(report);
      assertTrue(now.equals(old) || now.equals(fresh), "backtest seed " + seed + (killed ? " (killed)" : " (finished)")
          + ": the report is neither the old nor the new complete one: " + now.keySet());
      int kept = 0;
      if (Files.exists(cache)) {
        try (ScoreCache c = ScoreCache.open(cache)) {
          assertEquals("ok", c.integrityCheck(), "seed " + seed + ": SQLite integrity check after SIGKILL");
        }
        Map<String, String> rows = cacheRows(cache);
        for (Map.Entry<String, String> e : rows.entrySet()) {
          assertTrue(refRows.containsKey(e.getKey()), "seed " + seed + ": a row no run should write: " + e.getKey());
          assertSameProbabilities(refRows.get(e.getKey()), e.getValue(), "seed " + seed + ", row " + e.getKey());
        }
        kept = rows.size();
      }
      System.out.printf("  backtest seed %d: report %s, %d of %d scores kept in the cache%n", seed,
          now.equals(old) ? "old version" : "new version", kept, refRows.size());
      if (seed == 1) {
        assertTrue(kept > 0, "seed 1 kills after the first committed batch, which must survive");
      }
      runHere(concat(common, new String[] {"--cache", cache.toString(), "--out", report.toString()}));
      assertSameReport(fresh, reportText(report), "seed " + seed + ": rerun on the killed run's cache");
      var metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.resolve("metrics.json").toFile());
      assertEquals(kept, metrics.findValue("scores_cached").asInt(), "seed " + seed + ": the rerun reused every kept score");
      assertEquals(refRows.size() - kept, metrics.findValue("scores_computed").asInt(),
          "seed " + seed + ": the rerun scored only the missing texts");
      assertEquals(refRows.keySet(), cacheRows(cache).keySet(), "seed " + seed + ": the rerun completed the cache");
      assertNoLeftovers(report);
    }
  }

  /** Equal reports, or a failure naming the first file and line that differ. */
  static void assertSameReport(Map<String, String> expected, Map<String, String> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet(), what + ": files");
    for (String f : expected.keySet()) {
      List<String> e = expected.get(f).lines().toList();
      List<String> a = actual.get(f).lines().toList();
      for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
        String el = i < e.size() ? e.get(i) : "<none>";
        String al = i < a.size() ? a.get(i) : "<none>";
        if (!el.equals(al)) {
          fail(what + ": " + f + " line " + (i + 1) + " differs:\n  expected " + abbreviate(el) + "\n  actual   "
              + abbreviate(al));
        }
      }
    }
  }

  private static String abbreviate(String line) {
    return line.length() <= 400 ? line : line.substring(0, 400) + "...";
  }

  /** Rows in a score cache file, read while another process may be writing it (WAL: readers don't block). */
  static long rowCount(Path file) {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM scores")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (java.sql.SQLException e) {
      return 0; // not created yet
    }
  }

  /** Every row of a score cache file: "model|max_length|text_hash" to its probabilities (JSON). */
  static Map<String, String> cacheRows(Path file) throws Exception {
    Map<String, String> rows = new TreeMap<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT model, max_length, text_hash, probabilities FROM scores")) {
      while (rs.next()) {
        rows.put(rs.getString(1) + "|" + rs.getInt(2) + "|" + rs.getString(3), rs.getString(4));
      }
    }
    return rows;
  }

  /** Same labels, same probabilities up to float rounding (a batch of other texts may round differently). */
  private static void assertSameProbabilities(String expected, String actual, String what) throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, Double> e = json.readValue(expected, new com.fasterxml.jackson.core.type.TypeReference<TreeMap<String,
        Double>>() {});
    Map<String, Double> a = json.readValue(actual, new com.fasterxml.jackson.core.type.TypeReference<TreeMap<String,
        Double>>() {});
    assertEquals(e.keySet(), a.keySet(), what);
    for (String label : e.keySet()) {
      assertEquals(e.get(label), a.get(label), 1e-6, what + ": P(" + label + ")");
    }
  }

  /**
   * A report folder's files: the text ones (metrics, trades, equity, signals, report.html) by content (the counts of
   * cached and computed scores masked), the charts by name and a non-empty size; empty when the folder is absent.
   */
  static Map<String, String> reportText(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return m;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        String n = f.getFileName().toString();
        // how many scores came from the cache differs by design between a run on a warm cache and one without
        m.put(n, n.endsWith(".png") ? (Files.size(f) > 0 ? "png" : "empty png")
            : Files.readString(f).replaceAll("scores_(cached|computed)(\\D{0,40}?)\\d+", "scores_$1$2N"));
      }
    }
    return m;
  }

  private static void assertNoLeftovers(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out.getParent())) {
      List<String> left = new ArrayList<>();
      String prefix = "." + out.getFileName() + ".";
      s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).forEach(left::add);
      assertEquals(List.of(), left, "temporaries of crashed writes are cleaned by the next write");
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** A WordPiece tokenizer.json for the fixture's vocabulary (what import-onnx needs next to the ONNX file). */
  static Path tokenizerJson(Path file) throws IOException {
    List<String> vocab = Files.readAllLines(Fixture.dir().resolve("vocab.txt"), StandardCharsets.UTF_8);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    var root = json.createObjectNode();
    root.put("version", "1.0");
    var added = root.putArray("added_tokens");
    for (String special : List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")) {
      var t = added.addObject();
      t.put("id", vocab.indexOf(special)).put("content", special).put("single_word", false).put("lstrip", false)
          .put("rstrip", false).put("normalized", false).put("special", true);
    }
    var norm = root.putObject("normalizer");
    norm.put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true).put("lowercase", true);
    norm.putNull("strip_accents");
    root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
    var model = root.putObject("model");
    model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
        .put("max_input_chars_per_word", 100);
    var vm = model.putObject("vocab");
    for (int i = 0; i < vocab.size(); i++) {
      vm.put(vocab.get(i), i);
    }
    return Files.write(file, json.writeValueAsBytes(root));
  }
}
