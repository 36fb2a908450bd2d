package io.finbert4j.spark;

import io.finbert4j.weights.hub.ModelResolver;
import io.finbert4j.weights.hub.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * Turns the {@code model} parameter into a local model directory on the JVM it runs in (an executor, or the driver
 * for the schema). In this order:
 *
 * <ol>
 *   <li>an existing directory: absolute (a shared filesystem mounted at the same path everywhere, or a copy at the
 *       same path on every node), or relative to the working directory (where {@code --archives finbert.tgz#finbert}
 *       unpacks {@code finbert}); a {@code file:} URI is the same;
 *   <li>a directory shipped with {@code SparkContext.addFile(dir, true)}: its name under
 *       {@link SparkFiles#getRootDirectory()};
 *   <li>a Hadoop URI ({@code hdfs://}, {@code s3a://}, {@code abfs://}, ...): the directory's files are copied once per
 *       JVM into {@code java.io.tmpdir/finbert4j-models/} (a temporary folder, then one atomic rename);
 *   <li>a Hugging Face hub id ({@code ProsusAI/finbert}): resolved by {@link ModelResolver} into this host's HF cache
 *       ({@code HF_HOME} / {@code HF_HUB_CACHE}; downloaded once, reused offline).
 * </ol>
 *
 * Anything else is a {@link ModelNotFoundException} that names the host, the working directory and what was tried.
 * Results are cached per JVM, so a hub id or a remote copy is resolved once however many tasks ask.
 */
public final class ModelLocator {
  private static final Map<String, Path> RESOLVED = new ConcurrentHashMap<>();
  private static final String CONFIG = "config.json";

  private ModelLocator() {}

  /** The model could not be found on this JVM's host. */
  public static final class ModelNotFoundException extends RuntimeException {
    ModelNotFoundException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A local directory holding the model (cached per JVM); throws {@link ModelNotFoundException} with the reasons. */
  public static Path resolve(String model, String revision) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model is not set: call setModel(directory, URI or hub id)");
    }
    String key = model + "@" + (revision == null ? "" : revision);
    Path cached = RESOLVED.get(key);
    if (cached != null && Files.isDirectory(cached)) {
      return cached;
    }
    Path dir = RESOLVED.compute(key, (k, old) -> old != null && Files.isDirectory(old) ? old : locate(model, revision));
    return dir;
  }

  /**
   * The text of the model's {@code config.json}, read without loading (or, for Hadoop URIs, copying) the weights; for
   * a hub id the model is resolved as {@link #resolve} does.
   */
  public static String readConfig(String model, String revision) {
    URI uri = hadoopUri(model);
    if (uri != null) {
      try {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(uri), CONFIG);
        FileSystem fs = p.getFileSystem(hadoopConf());
        try (InputStream in = fs.open(p)) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new ModelNotFoundException("cannot read " + model + "/" + CONFIG + " on " + host() + ": " + e, e);
      }
    }
    Path config = resolve(model, revision).resolve(CONFIG);
    try {
      return Files.readString(config);
    } catch (IOException e) {
      throw new ModelNotFoundException("cannot read " + config + " on " + host() + ": " + e, e);
    }
  }

  private static Path locate(String model, String revision) {
    List<String> tried = new ArrayList<>();
    String local = model.startsWith("file:") ? Path.of(URI.create(model)).toString() : model;
    Path asPath = tryPath(local);
    if (asPath != null) {
      if (Files.isDirectory(asPath)) {
        return asPath.toAbsolutePath();
      }
      tried.add(asPath.toAbsolutePath() + " (no such directory)");
      Path shipped = sparkFile(asPath);
      if (shipped != null) {
        if (Files.isDirectory(shipped)) {
          return shipped;
        }
        tried.add(shipped + " (not shipped with SparkContext.addFile)");
      }
    }
    URI uri = hadoopUri(model);
    if (uri != null) {
      return copyFromHadoop(uri);
    }
    boolean pathLike = local.startsWith("/") || local.startsWith(".") || local.startsWith("~") || local.contains("\\");
    if (!pathLike) {
      try {
        return ModelResolver.resolve(model, revision, System.getenv(), ProgressListener.NONE);
      } catch (IOException | RuntimeException e) {
        tried.add("Hugging Face hub id '" + model + "': " + e.getMessage());
        throw notFound(model, tried, e);
      }
    }
    throw notFound(model, tried, null);
  }

  private static ModelNotFoundException notFound(String model, List<String> tried, Throwable cause) {
    return new ModelNotFoundException("model '" + model + "' is not reachable on " + host() + " (working directory "
        + Path.of("").toAbsolutePath() + "); tried: " + String.join("; ", tried) + ". Executors need the model too: "
        + "put it on a filesystem mounted at the same path on every node, on HDFS/S3 (a hdfs:// or s3a:// URI), ship "
        + "it with --archives model.tgz#NAME and setModel(\"NAME\"), or use a hub id", cause);
  }

  /** {@code dir}'s name under SparkFiles' root, when a Spark environment is up; else null. */
  private static Path sparkFile(Path dir) {
    if (SparkEnv.get() == null || dir.getFileName() == null) {
      return null;
    }
    try {
      return Path.of(SparkFiles.getRootDirectory(), dir.getFileName().toString());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The URI when {@code model} names a Hadoop filesystem other than the local one; else null. */
  static URI hadoopUri(String model) {
    int colon = model.indexOf("://");
    if (colon <= 0) {
      return null;
    }
    try {
      URI uri = URI.create(model);
      return uri.getScheme() == null || uri.getScheme().equals("file") ? null : uri;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Configuration hadoopConf() {
    SparkEnv env = SparkEnv.get();
    return env != null ? SparkHadoopUtil.get().newConfiguration(env.conf()) : new Configuration();
  }

  /** Copies the files of a remote model directory into the local cache, once (atomic rename of a complete copy). */
  private static Path copyFromHadoop(URI uri) {
    Path cacheRoot = Path.of(System.getProperty("java.io.tmpdir"), "finbert4j-models");
    Path target = cacheRoot.resolve(sha256(uri.toString()));
    if (Files.isRegularFile(target.resolve(CONFIG))) {
      return target;
    }
    Path tmp = null;
    try {
      Files.createDirectories(cacheRoot);
      tmp = Files.createTempDirectory(cacheRoot, "copy-");
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = src.getFileSystem(hadoopConf());
      for (FileStatus st : fs.listStatus(src)) {
        if (st.isFile()) {
          Path file = tmp.resolve(st.getPath().getName());
          try (InputStream in = fs.open(st.getPath())) {
            Files.copy(in, file);
          }
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true); // on disk before the rename publishes the copy
          }
        }
      }
      if (!Files.isRegularFile(tmp.resolve(CONFIG))) {
        throw new IOException("no " + CONFIG + " in " + uri);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        deleteTree(tmp); // another JVM on this host finished first: use its copy
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename within " + cacheRoot + ": " + e, e);
      }
      return target;
    } catch (IOException e) {
      if (tmp != null) {
        deleteTree(tmp);
      }
      throw new ModelNotFoundException("cannot copy model " + uri + " to " + host() + ":" + cacheRoot + ": " + e, e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String s) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path tryPath(String s) {
    try {
      return Path.of(s);
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  static String host() {
    try {
      return "host " + InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "this host";
    }
  }
}
