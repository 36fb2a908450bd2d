package io.finbert4j.benchmarks;

import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.BertConfig;
import io.finbert4j.weights.BertWeightNames;
import io.finbert4j.weights.PyTorchCheckpoint;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import io.finbert4j.weights.TensorSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Loading a FinBERT-size checkpoint (bert-base shapes, 3 labels, about 109.5M float32 parameters, 438 MB of random
 * weights generated once per trial into a temporary directory) from {@code model.safetensors} and from a zip-format
 * {@code pytorch_model.bin}:
 *
 * <ul>
 *   <li>{@code safetensorsOpen}: open + validate + map, lazy (no tensor touched);
 *   <li>{@code safetensorsAllResident}: {@link BertCheckpoint#open} (strict check against config.json) and every
 *       tensor converted to a new {@code float[]} (what {@code core} does when it builds its arrays);
 *   <li>{@code binOpen} / {@code binAllResident}: the same from {@code pytorch_model.bin} (restricted unpickler,
 *       zip central directory, mapped storages).
 * </ul>
 *
 * <p>Files come from the page cache after the first iteration: the figures are parse + map + copy costs, not disk
 * reads. Peak resident memory is measured outside JMH, one scenario per fresh JVM, by {@link PeakRss}:
 * {@code java -cp benchmarks/target/benchmarks.jar io.finbert4j.benchmarks.LoadBenchmark\$PeakRss DIR SCENARIO}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LoadBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@State(Scope.Benchmark)
public class LoadBenchmark {
  /** Labels of ProsusAI/finbert, in its id order. */
  static final List<String> LABELS = List.of("positive", "negative", "neutral");
  /** Scale of the random weights (BERT's initializer range). */
  static final float INIT_RANGE = 0.02f;

  Path root;
  Path safetensorsDir;
  Path binDir;

  @Setup(Level.Trial)
  public void generate() throws IOException {
    root = Files.createTempDirectory("finbert4j-loadbench");
    generateInto(root);
    safetensorsDir = root.resolve("safetensors");
    binDir = root.resolve("bin");
  }

  @TearDown(Level.Trial)
  public void cleanUp() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Benchmark
  public int safetensorsOpen() throws IOException {
    try (TensorSource s = Safetensors.open(safetensorsDir.resolve(BertCheckpoint.SAFETENSORS))) {
      return s.names().size();
    }
  }

  @Benchmark
  public void safetensorsAllResident(Blackhole bh) throws IOException {
    allResident(safetensorsDir, bh);
  }

  @Benchmark
  public int binOpen() throws IOException {
    try (TensorSource s = PyTorchCheckpoint.read(binDir.resolve(BertCheckpoint.PYTORCH_BIN))) {
      return s.names().size();
    }
  }

  @Benchmark
  public void binAllResident(Blackhole bh) throws IOException {
    allResident(binDir, bh);
  }

  /** Opens the directory with the strict check and converts every tensor to a new float[]; returns parameters. */
  static long allResident(Path dir, Blackhole bh) throws IOException {
    long n = 0;
    try (BertCheckpoint c = BertCheckpoint.open(dir)) {
      for (String name : c.tensors().names()) {
        float[] a = c.tensors().get(name).toFloatArray();
        n += a.length;
        if (bh != null) {
          bh.consume(a);
        }
      }
    }
    return n;
  }

  // ------------------------------------------------------------------------------------------ generation

  /** The FinBERT config: bert-base shapes and ProsusAI/finbert's three labels. */
  static BertConfig finbertConfig() {
    return BertConfig.builder().labels(LABELS).build();
  }

  /**
   * Writes {@code dir/safetensors/{config.json, model.safetensors}} and {@code dir/bin/{config.json,
   * pytorch_model.bin}} holding the same random weights.
   */
  static void generateInto(Path dir) throws IOException {
    BertConfig cfg = finbertConfig();
    SplittableRandom rnd = new SplittableRandom(42);
    List<Tensor> tensors = new ArrayList<>();
    for (Map.Entry<String, long[]> e : BertWeightNames.expectedShapes(cfg, true, true).entrySet()) {
      long numel = 1;
      for (long d : e.getValue()) {
        numel *= d;
      }
      float[] v = new float[(int) numel];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((rnd.nextDouble() * 2 - 1) * INIT_RANGE);
      }
      tensors.add(Tensor.ofFloats(e.getKey(), e.getValue(), v));
    }
    Path st = Files.createDirectories(dir.resolve("safetensors"));
    cfg.save(st.resolve(BertCheckpoint.CONFIG_JSON));
    Safetensors.write(st.resolve(BertCheckpoint.SAFETENSORS), tensors, Map.of());
    Path bin = Files.createDirectories(dir.resolve("bin"));
    cfg.save(bin.resolve(BertCheckpoint.CONFIG_JSON));
    TorchZipWriter.write(bin.resolve(BertCheckpoint.PYTORCH_BIN), tensors);
  }

  /**
   * A minimal writer of {@code torch.save}'s zip format for contiguous float32 tensors, for generating benchmark
   * inputs only: {@code archive/data.pkl} (protocol 2, an OrderedDict of {@code _rebuild_tensor_v2} calls over
   * {@code FloatStorage} persistent ids), {@code archive/byteorder}, {@code archive/data/<i>} and
   * {@code archive/version}, all stored uncompressed as torch does.
   */
  static final class TorchZipWriter {
    private TorchZipWriter() {}

    static void write(Path file, List<Tensor> tensors) throws IOException {
      ByteArrayOutputStream pkl = new ByteArrayOutputStream();
      op(pkl, 0x80, 2); // PROTO 2
      global(pkl, "collections", "OrderedDict");
      op(pkl, ')', 'R', '('); // OrderedDict(), MARK
      for (int i = 0; i < tensors.size(); i++) {
        Tensor t = tensors.get(i);
        str(pkl, t.name());
        global(pkl, "torch._utils", "_rebuild_tensor_v2");
        op(pkl, '(', '('); // args MARK, pid MARK
        str(pkl, "storage");
        global(pkl, "torch", "FloatStorage");
        str(pkl, Integer.toString(i));
        str(pkl, "cpu");
        integer(pkl, t.numel());
        op(pkl, 't', 'Q'); // TUPLE, BINPERSID
        integer(pkl, 0); // storage offset
        long[] shape = t.shape();
        op(pkl, '(');
        for (long d : shape) {
          integer(pkl, d);
        }
        op(pkl, 't', '(');
        long stride = 1;
        long[] strides = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
          strides[d] = stride;
          stride *= shape[d];
        }
        for (long s : strides) {
          integer(pkl, s);
        }
        op(pkl, 't', 0x89); // TUPLE, requires_grad False
        global(pkl, "collections", "OrderedDict");
        op(pkl, ')', 'R', 't', 'R'); // backward_hooks, args TUPLE, REDUCE
      }
      op(pkl, 'u', '.'); // SETITEMS, STOP
      try (OutputStream os = Files.newOutputStream(file);
          ZipOutputStream z = new ZipOutputStream(new java.io.BufferedOutputStream(os, 1 << 20))) {
        stored(z, "archive/data.pkl", pkl.toByteArray());
        stored(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < tensors.size(); i++) {
          ByteBuffer b = tensors.get(i).bytes();
          byte[] raw = new byte[b.remaining()];
          b.get(raw);
          stored(z, "archive/data/" + i, raw);
        }
        stored(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
      }
    }

    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
      ZipEntry e = new ZipEntry(name);
      e.setMethod(ZipEntry.STORED);
      e.setSize(data.length);
      e.setCompressedSize(data.length);
      CRC32 crc = new CRC32();
      crc.update(data);
      e.setCrc(crc.getValue());
      z.putNextEntry(e);
      z.write(data);
      z.closeEntry();
    }

    private static void op(ByteArrayOutputStream o, int... b) {
      for (int x : b) {
        o.write(x);
      }
    }

    private static void global(ByteArrayOutputStream o, String module, String name) {
      o.write('c');
      o.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void str(ByteArrayOutputStream o, String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      o.write('X');
      o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
      o.writeBytes(b);
    }

    private static void integer(ByteArrayOutputStream o, long v) {
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("benchmark writer handles non-negative ints only: " + v);
      }
      o.write('J'); // BININT
      o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }
  }

  // ------------------------------------------------------------------------------------------ peak RSS

  /**
   * Measures one scenario in this (fresh) JVM: wall time of the first (cold JVM, warm page cache) and best of five
   * runs, and the peak resident set size (VmHWM from /proc/self/status) and its growth over the scenario.
   *
   * <p>Usage: {@code PeakRss DIR generate} writes the inputs; then {@code PeakRss DIR SCENARIO} with SCENARIO one of
   * safetensorsOpen, safetensorsAllResident, binOpen, binAllResident.
   */
  public static final class PeakRss {
    private PeakRss() {}

    public static void main(String[] args) throws Exception {
      if (args.length != 2) {
        System.err.println("usage: PeakRss DIR generate|safetensorsOpen|safetensorsAllResident|binOpen|binAllResident");
        System.exit(2);
      }
      Path dir = Path.of(args[0]);
      if ("generate".equals(args[1])) {
        generateInto(dir);
        System.out.println("generated " + dir);
        return;
      }
      long before = kb("VmHWM");
      long first = 0;
      long best = Long.MAX_VALUE;
      for (int run = 0; run < 5; run++) {
        long t0 = System.nanoTime();
        long n = scenario(dir, args[1]);
        long dt = System.nanoTime() - t0;
        if (run == 0) {
          first = dt;
        }
        best = Math.min(best, dt);
        if (n <= 0) {
          throw new IllegalStateException("scenario returned nothing");
        }
      }
      long hwm = kb("VmHWM");
      System.out.printf(
          "%s: first %.1f ms, best of 5 %.1f ms, VmHWM %d MB (JVM baseline %d MB, growth %d MB)%n",
          args[1], first / 1e6, best / 1e6, hwm / 1024, before / 1024, (hwm - before) / 1024);
    }

    static long scenario(Path dir, String name) throws IOException {
      return switch (name) {
        case "safetensorsOpen" -> {
          try (TensorSource s = Safetensors.open(dir.resolve("safetensors").resolve(BertCheckpoint.SAFETENSORS))) {
            yield s.names().size();
          }
        }
        case "binOpen" -> {
          try (TensorSource s = PyTorchCheckpoint.read(dir.resolve("bin").resolve(BertCheckpoint.PYTORCH_BIN))) {
            yield s.names().size();
          }
        }
        case "safetensorsAllResident" -> allResident(dir.resolve("safetensors"), null);
        case "binAllResident" -> allResident(dir.resolve("bin"), null);
        default -> throw new IllegalArgumentException("unknown scenario " + name);
      };
    }

    static long kb(String field) throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      throw new IOException(field + " not found in /proc/self/status (Linux only)");
    }
  }
}
