package io.finbert4j.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads and writes the Hugging Face safetensors format
 * (https://github.com/huggingface/safetensors#format): an 8-byte little-endian header length N, N bytes of JSON
 * header ({@code name → {dtype, shape, data_offsets}} plus optional {@code __metadata__}), then the data section.
 *
 * <p>Reading memory-maps the file and hands out zero-copy tensor views, after validating the whole header before any
 * tensor is touched: header length ≤ {@value #MAX_HEADER_BYTES} bytes and inside the file, strict JSON (no duplicate
 * keys, no trailing garbage), known dtypes, {@code numel × dtype size == end - begin}, offsets inside the data
 * section, no overlaps and no gaps (the tensors cover the data section exactly). Files over 2 GiB are supported:
 * their tensors are mapped one region per tensor, so a tensor straddling a 2 GiB boundary is still one buffer.
 *
 * <p>Writing follows the HF layout: header padded with spaces to a multiple of 8 bytes, {@code __metadata__} first
 * with {@code "format": "pt"}, tensors ordered as the reference implementation orders them (wider dtypes first so
 * that every tensor stays aligned, then by name), and the file is written to a temporary file in the same directory
 * and renamed into place atomically, so a crash never leaves a half-written checkpoint.
 */
public final class Safetensors {
  /** Largest accepted JSON header, as in the reference implementation (100 MB). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;
  /** Size of the little-endian header-length prefix. */
  static final int LENGTH_PREFIX_BYTES = Long.BYTES;
  /** The header is padded with spaces to a multiple of this many bytes. */
  static final int HEADER_ALIGNMENT = 8;
  static final String METADATA_KEY = "__metadata__";
  /** Largest region a single ByteBuffer can map. */
  static final long MAX_MAP_BYTES = Integer.MAX_VALUE;

  private static final ObjectMapper STRICT_JSON =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private Safetensors() {}

  /** Where one tensor lives in a safetensors file (offsets relative to the data section). */
  record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  /**
   * Opens a safetensors file: validates the header, memory-maps the data and returns lazy zero-copy tensor views in
   * header order.
   *
   * @throws TensorFormatException naming the file, the tensor and the violated rule
   * @throws NoSuchFileException if the file does not exist
   */
  public static TensorSource open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = ch.size();
      if (size < LENGTH_PREFIX_BYTES) {
        throw new TensorFormatException(
            file + ": not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long headerLen = lenBuf.getLong(0);
      if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
        throw new TensorFormatException(
            file + ": header length " + Long.toUnsignedString(headerLen) + " exceeds the limit of "
                + MAX_HEADER_BYTES + " bytes");
      }
      if (headerLen > size - LENGTH_PREFIX_BYTES) {
        throw new TensorFormatException(
            file + ": header length " + headerLen + " runs past the end of the file (" + size + " bytes)");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headerBuf, LENGTH_PREFIX_BYTES, file);
      long dataStart = LENGTH_PREFIX_BYTES + headerLen;
      long dataLen = size - dataStart;
      Header header = parseHeader(file, headerBuf.array(), dataLen);
      return new SafetensorsFile(file, ch, dataStart, dataLen, header.entries, header.metadata);
    } catch (IOException | RuntimeException | Error e) {
      ch.close();
      throw e;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long position, Path file) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw new TensorFormatException(file + ": unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }

  record Header(LinkedHashMap<String, Entry> entries, Map<String, String> metadata) {}

  /** Parses and validates a header against a data section of {@code dataLen} bytes. */
  static Header parseHeader(Path file, byte[] headerBytes, long dataLen) throws TensorFormatException {
    String json;
    try {
      json =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(headerBytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new TensorFormatException(file + ": header is not valid UTF-8", e);
    }
    if (json.isEmpty() || json.charAt(0) != '{') {
      throw new TensorFormatException(file + ": header is not a JSON object (it must start with '{')");
    }
    JsonNode root;
    try (JsonParser p = STRICT_JSON.getFactory().createParser(json)) {
      root = STRICT_JSON.readTree(p);
      if (p.nextToken() != null) {
        throw new TensorFormatException(file + ": header has trailing content after the JSON object");
      }
    } catch (TensorFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new TensorFormatException(file + ": header is not valid JSON: " + oneLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new TensorFormatException(file + ": header is not a JSON object");
    }
    LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    Map<String, String> metadata = Map.of();
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      JsonNode v = f.getValue();
      if (METADATA_KEY.equals(name)) {
        metadata = parseMetadata(file, v);
        continue;
      }
      entries.put(name, parseEntry(file, name, v, dataLen));
    }
    checkCoverage(file, entries.values(), dataLen);
    return new Header(entries, metadata);
  }

  private static Map<String, String> parseMetadata(Path file, JsonNode v) throws TensorFormatException {
    if (v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw new TensorFormatException(file + ": " + METADATA_KEY + " must be an object of strings");
    }
    LinkedHashMap<String, String> m = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = v.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isTextual()) {
        throw new TensorFormatException(
            file + ": " + METADATA_KEY + " value of \"" + f.getKey() + "\" is not a string");
      }
      m.put(f.getKey(), f.getValue().textValue());
    }
    return Collections.unmodifiableMap(m);
  }

  private static Entry parseEntry(Path file, String name, JsonNode v, long dataLen) throws TensorFormatException {
    String where = file + ": tensor \"" + name + "\": ";
    if (!v.isObject()) {
      throw new TensorFormatException(where + "entry must be an object with dtype, shape and data_offsets");
    }
    JsonNode dt = v.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw new TensorFormatException(where + "missing or non-string \"dtype\"");
    }
    DType dtype;
    try {
      dtype = DType.fromSafetensorsName(dt.textValue());
    } catch (IllegalArgumentException e) {
      throw new TensorFormatException(where + e.getMessage());
    }
    JsonNode sh = v.get("shape");
    if (sh == null || !sh.isArray()) {
      throw new TensorFormatException(where + "missing or non-array \"shape\"");
    }
    long[] shape = new long[sh.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = nonNegativeLong(sh.get(i), where + "shape[" + i + "]");
    }
    JsonNode off = v.get("data_offsets");
    if (off == null || !off.isArray() || off.size() != 2) {
      throw new TensorFormatException(where + "\"data_offsets\" must be an array [begin, end]");
    }
    long begin = nonNegativeLong(off.get(0), where + "data_offsets[0]");
    long end = nonNegativeLong(off.get(1), where + "data_offsets[1]");
    if (end < begin) {
      throw new TensorFormatException(where + "data_offsets end " + end + " is before begin " + begin);
    }
    if (end > dataLen) {
      throw new TensorFormatException(
          where + "data_offsets [" + begin + ", " + end + ") run past the data section of " + dataLen + " bytes");
    }
    long bytes;
    try {
      bytes = Math.multiplyExact(Tensor.numel(name, shape), dtype.byteSize());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new TensorFormatException(where + "shape " + java.util.Arrays.toString(shape) + " overflows");
    }
    if (bytes != end - begin) {
      throw new TensorFormatException(
          where + "shape " + java.util.Arrays.toString(shape) + " × " + dtype + " needs " + bytes
              + " bytes but data_offsets span " + (end - begin));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  /** First line of a parser message (Jackson appends a source excerpt on further lines). */
  static String oneLine(String msg) {
    if (msg == null) {
      return "";
    }
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl);
  }

  private static long nonNegativeLong(JsonNode n, String what) throws TensorFormatException {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw new TensorFormatException(what + " must be a non-negative integer, got " + n);
    }
    return n.longValue();
  }

  /** Checks that the tensors tile the data section exactly: no overlap, no gap, nothing left over. */
  private static void checkCoverage(Path file, Collection<Entry> entries, long dataLen) throws TensorFormatException {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    Entry prev = null;
    for (Entry e : sorted) {
      if (e.begin < covered) {
        throw new TensorFormatException(
            file + ": tensor \"" + e.name + "\" bytes [" + e.begin + ", " + e.end + ") overlap tensor \""
                + prev.name + "\" bytes [" + prev.begin + ", " + prev.end + ")");
      }
      if (e.begin > covered) {
        throw new TensorFormatException(
            file + ": data section bytes [" + covered + ", " + e.begin + ") before tensor \"" + e.name
                + "\" belong to no tensor (the tensors must cover the data section exactly)");
      }
      covered = e.end;
      prev = e;
    }
    if (covered != dataLen) {
      throw new TensorFormatException(
          file + ": data section is " + dataLen + " bytes but the tensors cover only " + covered
              + " (the tensors must cover the data section exactly)");
    }
  }

  /** A validated, memory-mapped safetensors file. */
  static final class SafetensorsFile implements TensorSource {
    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final LinkedHashMap<String, Entry> entries;
    private final List<String> names;
    private final Map<String, String> metadata;
    /** The whole data section when it fits one mapping; null for files over 2 GiB (then one mapping per tensor). */
    private final ByteBuffer data;
    private volatile boolean closed;

    SafetensorsFile(
        Path file,
        FileChannel channel,
        long dataStart,
        long dataLen,
        LinkedHashMap<String, Entry> entries,
        Map<String, String> metadata)
        throws IOException {
      this.file = file;
      this.dataStart = dataStart;
      this.entries = entries;
      this.names = List.copyOf(entries.keySet());
      this.metadata = metadata;
      if (dataLen <= MAX_MAP_BYTES) {
        this.data =
            dataLen == 0
                ? ByteBuffer.allocate(0)
                : channel.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen).order(ByteOrder.LITTLE_ENDIAN);
        // the mapping stays valid after the channel is closed
        channel.close();
        this.channel = null;
      } else {
        this.data = null;
        this.channel = channel;
      }
    }

    /** The file this source reads. */
    Path file() {
      return file;
    }

    @Override
    public List<String> names() {
      return names;
    }

    @Override
    public boolean contains(String name) {
      return entries.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
      if (closed) {
        throw new IllegalStateException(file + " is closed");
      }
      Entry e = entries.get(name);
      if (e == null) {
        throw new IllegalArgumentException("no tensor \"" + name + "\" in " + file);
      }
      long len = e.end - e.begin;
      if (len > MAX_MAP_BYTES) {
        throw new IllegalArgumentException(
            file + ": tensor \"" + name + "\" is " + len + " bytes; a single tensor over 2 GiB cannot be viewed");
      }
      ByteBuffer view;
      if (data != null) {
        view = data.slice((int) e.begin, (int) len);
      } else if (len == 0) {
        view = ByteBuffer.allocate(0);
      } else {
        try {
          // one mapping per tensor: the region starts at the tensor, so no 2 GiB boundary can split it
          view = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, len);
        } catch (IOException ex) {
          throw new java.io.UncheckedIOException(file + ": cannot map tensor \"" + name + "\"", ex);
        }
      }
      return Tensor.of(name, e.dtype, e.shape, view);
    }

    @Override
    public Map<String, String> metadata() {
      return metadata;
    }

    @Override
    public void close() {
      closed = true;
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing a read-only channel cannot lose data
        }
      }
    }

    @Override
    public String toString() {
      return "safetensors " + file;
    }
  }

  // ---------------------------------------------------------------------------------------------- sharded

  /**
   * Opens a sharded checkpoint through its {@code model.safetensors.index.json}
   * ({@code {"metadata": {...}, "weight_map": {tensor: shard file}}}). Every shard is validated; each tensor listed
   * must be in its shard, and every tensor of a shard must be listed. Names come in weight-map order.
   */
  public static TensorSource openIndex(Path indexJson) throws IOException {
    JsonNode root;
    try {
      root = STRICT_JSON.readTree(Files.readAllBytes(indexJson));
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      throw new TensorFormatException(indexJson + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("weight_map").isObject()) {
      throw new TensorFormatException(indexJson + ": an index must be a JSON object with a \"weight_map\" object");
    }
    Path dir = indexJson.toAbsolutePath().getParent();
    LinkedHashMap<String, String> weightMap = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.get("weight_map").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isTextual()) {
        throw new TensorFormatException(indexJson + ": weight_map entry \"" + f.getKey() + "\" is not a file name");
      }
      String shard = f.getValue().textValue();
      Path p;
      try {
        p = dir.resolve(shard).normalize();
      } catch (java.nio.file.InvalidPathException e) {
        // a NUL or another character the file system cannot name (found by SafetensorsIndexFuzzTest)
        throw new TensorFormatException(
            indexJson + ": weight_map entry \"" + f.getKey() + "\" names shard \"" + shard.replace("\0", "\\0")
                + "\", which is not a valid file name (" + e.getReason() + ")");
      }
      if (shard.isEmpty() || p.getParent() == null || !p.getParent().equals(dir.normalize())) {
        throw new TensorFormatException(
            indexJson + ": weight_map entry \"" + f.getKey() + "\" names shard \"" + shard
                + "\" outside the index's directory");
      }
      weightMap.put(f.getKey(), shard);
    }
    LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
    JsonNode md = root.get("metadata");
    if (md != null && md.isObject()) {
      md.fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue().isTextual() ? f.getValue().textValue() : f.getValue().toString()));
    }
    Map<String, TensorSource> shards = new LinkedHashMap<>();
    try {
      for (String shard : new java.util.LinkedHashSet<>(weightMap.values())) {
        shards.put(shard, open(dir.resolve(shard)));
      }
      for (Map.Entry<String, String> e : weightMap.entrySet()) {
        if (!shards.get(e.getValue()).contains(e.getKey())) {
          throw new TensorFormatException(
              indexJson + ": tensor \"" + e.getKey() + "\" is mapped to shard " + e.getValue() + " which lacks it");
        }
      }
      for (Map.Entry<String, TensorSource> s : shards.entrySet()) {
        for (String n : s.getValue().names()) {
          if (!s.getKey().equals(weightMap.get(n))) {
            throw new TensorFormatException(
                indexJson + ": shard " + s.getKey() + " holds tensor \"" + n + "\" that the weight_map "
                    + (weightMap.containsKey(n) ? "assigns to shard " + weightMap.get(n) : "does not list"));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      shards.values().forEach(TensorSource::close);
      throw e;
    }
    return new ShardedSource(indexJson, weightMap, shards, Collections.unmodifiableMap(metadata));
  }

  private static final class ShardedSource implements TensorSource {
    private final Path index;
    private final LinkedHashMap<String, String> weightMap;
    private final Map<String, TensorSource> shards;
    private final Map<String, String> metadata;
    private final List<String> names;

    ShardedSource(
        Path index, LinkedHashMap<String, String> weightMap, Map<String, TensorSource> shards,
        Map<String, String> metadata) {
      this.index = index;
      this.weightMap = weightMap;
      this.shards = shards;
      this.metadata = metadata;
      this.names = List.copyOf(weightMap.keySet());
    }

    @Override
    public List<String> names() {
      return names;
    }

    @Override
    public boolean contains(String name) {
      return weightMap.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
      String shard = weightMap.get(name);
      if (shard == null) {
        throw new IllegalArgumentException("no tensor \"" + name + "\" in sharded checkpoint " + index);
      }
      return shards.get(shard).get(name);
    }

    @Override
    public Map<String, String> metadata() {
      return metadata;
    }

    @Override
    public void close() {
      shards.values().forEach(TensorSource::close);
    }

    @Override
    public String toString() {
      return "sharded safetensors " + index;
    }
  }

  // ---------------------------------------------------------------------------------------------- writing

  /**
   * Rank of a dtype in the file: the reference implementation sorts by dtype descending (its enum order), so that
   * 8-byte tensors come first and every tensor stays aligned to its element size.
   */
  private static int writeRank(DType t) {
    return switch (t) {
      case I64 -> 0;
      case F64 -> 1;
      case F32 -> 2;
      case I32 -> 3;
      case BF16 -> 4;
      case F16 -> 5;
      case I16 -> 6;
      case I8 -> 7;
      case U8 -> 8;
      case BOOL -> 9;
    };
  }

  /**
   * Writes tensors as a safetensors file, atomically: the data goes to a temporary file in the same directory, is
   * forced to disk, and is renamed over {@code file}. {@code metadata} goes to {@code __metadata__} with
   * {@code "format": "pt"} added unless given.
   *
   * @throws IllegalArgumentException if two tensors share a name
   */
  public static void write(Path file, Collection<Tensor> tensors, Map<String, String> metadata) throws IOException {
    List<Tensor> sorted = new ArrayList<>(tensors);
    Set<String> seen = new HashSet<>();
    for (Tensor t : sorted) {
      if (!seen.add(t.name())) {
        throw new IllegalArgumentException("duplicate tensor name \"" + t.name() + "\" while writing " + file);
      }
      if (METADATA_KEY.equals(t.name())) {
        throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
      }
    }
    sorted.sort(Comparator.comparingInt((Tensor t) -> writeRank(t.dtype())).thenComparing(Tensor::name));

    ObjectNode header = STRICT_JSON.createObjectNode();
    ObjectNode md = header.putObject(METADATA_KEY);
    Map<String, String> meta = new LinkedHashMap<>();
    if (metadata != null) {
      meta.putAll(metadata);
    }
    meta.putIfAbsent("format", "pt");
    meta.forEach(md::put);
    long offset = 0;
    for (Tensor t : sorted) {
      ObjectNode e = header.putObject(t.name());
      e.put("dtype", t.dtype().safetensorsName());
      ArrayNode sh = e.putArray("shape");
      for (long d : t.shape()) {
        sh.add(d);
      }
      ArrayNode off = e.putArray("data_offsets");
      off.add(offset);
      offset += t.byteSize();
      off.add(offset);
    }
    if (md.isEmpty()) {
      header.remove(METADATA_KEY);
    }
    byte[] json = STRICT_JSON.writeValueAsBytes(header);
    int padded = (json.length + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
    ByteBuffer head = ByteBuffer.allocate(LENGTH_PREFIX_BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();

    List<ByteBuffer> parts = new ArrayList<>(sorted.size() + 1);
    parts.add(head);
    for (Tensor t : sorted) {
      parts.add(t.bytes());
    }
    writeAtomically(file, parts);
  }

  /** Writes the buffers to a fresh temporary file next to {@code file}, forces it, and renames it into place. */
  static void writeAtomically(Path file, List<ByteBuffer> parts) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp =
        dir.resolve(
            "." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    boolean done = false;
    try {
      try (FileChannel out =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (ByteBuffer b : parts) {
          ByteBuffer src = b.duplicate();
          while (src.hasRemaining()) {
            out.write(src);
          }
        }
        out.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + tmp + " atomically onto " + abs + ": " + e.getMessage(), e);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Reads all tensors of a source into a name → tensor map (views, no copies), in source order. */
  static Map<String, Tensor> all(TensorSource src) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (String n : src.names()) {
      m.put(n, src.get(n));
    }
    return m;
  }

}
