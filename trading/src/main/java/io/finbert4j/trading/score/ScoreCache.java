package io.finbert4j.trading.score;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores cached in an embedded SQLite database, keyed by (model fingerprint, max length, text hash). The database
 * runs in WAL mode with a busy timeout, so several backtests (threads or processes) share one file safely; each
 * batch is written in one transaction, so a killed run keeps every batch it committed and leaves the file readable.
 * Default file: {@code ~/.cache/finbert4j/scores.sqlite} ({@code $FINBERT_HOME/scores.sqlite} when set).
 */
public final class ScoreCache implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Double>> MAP = new TypeReference<>() {};
  private final Path file;
  private final Connection db;

  private ScoreCache(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  public static Path defaultFile() {
    String home = System.getenv("FINBERT_HOME");
    Path root = home != null && !home.isBlank() ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".cache", "finbert4j");
    return root.resolve("scores.sqlite");
  }

  public static ScoreCache open(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // Switching a new file to WAL needs a lock SQLite does not wait for (no busy handler): two runs opening one new
    // cache at once can get SQLITE_BUSY there. WAL is a property of the file, so it is set only when missing, and
    // an open that meets a busy lock is retried for as long as the busy timeout allows.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MS);
    for (int attempt = 0; ; attempt++) {
      Connection c = null;
      try {
        c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement st = c.createStatement()) {
          st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
          String mode;
          try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            mode = rs.next() ? rs.getString(1) : "";
          }
          if (!"wal".equalsIgnoreCase(mode)) {
            st.execute("PRAGMA journal_mode = WAL");
          }
          st.execute("PRAGMA synchronous = NORMAL");
          st.execute("CREATE TABLE IF NOT EXISTS scores (model TEXT NOT NULL, max_length INTEGER NOT NULL, "
              + "text_hash TEXT NOT NULL, probabilities TEXT NOT NULL, PRIMARY KEY (model, max_length, text_hash))");
        }
        return new ScoreCache(file, c);
      } catch (SQLException e) {
        closeQuietly(c);
        boolean busy = e.getErrorCode() == 5 || String.valueOf(e.getMessage()).contains("SQLITE_BUSY");
        if (!busy || System.nanoTime() > deadline) {
          throw new IOException("score cache " + file + ": " + e.getMessage(), e);
        }
        try {
          Thread.sleep(Math.min(200, 5L << Math.min(attempt, 5)));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("score cache " + file + ": interrupted while it was locked", ie);
        }
      }
    }
  }

  /** How long a run waits for another run's lock on the cache file (also SQLite's busy timeout). */
  private static final long BUSY_TIMEOUT_MS = 60_000;

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the failure being reported matters more
      }
    }
  }

  public Path file() {
    return file;
  }

  /** Cached probabilities for the given text hashes (missing ones are absent). */
  public synchronized Map<String, Map<String, Double>> get(String model, int maxLength, List<String> hashes)
      throws IOException {
    Map<String, Map<String, Double>> out = new HashMap<>();
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT probabilities FROM scores WHERE model = ? AND max_length = ? AND text_hash = ?")) {
      for (String h : hashes) {
        ps.setString(1, model);
        ps.setInt(2, maxLength);
        ps.setString(3, h);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            out.put(h, JSON.readValue(rs.getString(1), MAP));
          }
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IOException("score cache " + file + ": " + e.getMessage(), e);
    }
  }

  /** Stores one batch in one transaction (existing keys are kept). */
  public synchronized void put(String model, int maxLength, Map<String, Map<String, Double>> byHash) throws IOException {
    try {
      db.setAutoCommit(false);
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT OR IGNORE INTO scores (model, max_length, text_hash, probabilities) VALUES (?, ?, ?, ?)")) {
        for (Map.Entry<String, Map<String, Double>> e : byHash.entrySet()) {
          ps.setString(1, model);
          ps.setInt(2, maxLength);
          ps.setString(3, e.getKey());
          ps.setString(4, JSON.writeValueAsString(e.getValue()));
          ps.addBatch();
        }
        ps.executeBatch();
        db.commit();
      } catch (SQLException | IOException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IOException("score cache " + file + ": " + e.getMessage(), e);
    }
  }

  /** Rows in the cache (all models). */
  public synchronized long size() throws IOException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM scores")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** SQLite's own integrity check ("ok" when sound). */
  public synchronized String integrityCheck() throws IOException {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
      return rs.next() ? rs.getString(1) : "";
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      db.close();
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
