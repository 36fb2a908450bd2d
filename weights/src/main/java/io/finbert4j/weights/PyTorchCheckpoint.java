package io.finbert4j.weights;

import io.finbert4j.weights.Unpickler.PyGlobal;
import io.finbert4j.weights.Unpickler.PyTuple;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a PyTorch state dict ({@code pytorch_model.bin}) without Python and without executing the pickle: both the
 * zip format of {@code torch.save} since torch 1.6 ({@code <root>/data.pkl}, {@code <root>/data/<key>} storage
 * records, optional {@code <root>/byteorder}; the root folder's name varies and is found, not assumed) and the legacy
 * format (magic-number, protocol and sys-info pickles, the main pickle, a pickled list of storage keys, then each
 * storage as an 8-byte element count followed by its raw bytes).
 *
 * <p>The pickle goes through {@link Unpickler}, which refuses every global except {@code collections.OrderedDict},
 * {@code torch._utils._rebuild_tensor(_v2)}, {@code torch._utils._rebuild_parameter(_with_state)} and the
 * {@code torch.*Storage} tags ({@link UnsafePickleException}). Tensors honour storage offsets, strides and storages
 * shared between tensors: a contiguous view is a zero-copy slice of the (memory-mapped) storage, a non-contiguous one
 * is materialised in row-major order. Every view is bounds-checked against its storage, and every storage against
 * its record.
 */
public final class PyTorchCheckpoint {
  /** First pickle of a legacy file: this integer. */
  static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  /** Second pickle of a legacy file. */
  static final long LEGACY_PROTOCOL_VERSION = 1001;
  static final String DATA_PKL = "data.pkl";
  static final String BYTEORDER = "byteorder";

  /** torch storage class → element type. */
  static final Map<String, DType> STORAGE_TYPES =
      Map.of(
          "DoubleStorage", DType.F64,
          "FloatStorage", DType.F32,
          "HalfStorage", DType.F16,
          "BFloat16Storage", DType.BF16,
          "LongStorage", DType.I64,
          "IntStorage", DType.I32,
          "ShortStorage", DType.I16,
          "CharStorage", DType.I8,
          "ByteStorage", DType.U8,
          "BoolStorage", DType.BOOL);

  private PyTorchCheckpoint() {}

  /** A storage: {@code numel} elements of {@code dtype}; {@code bytes} holds at least that many bytes. */
  record Storage(String key, DType dtype, long numel, ByteBuffer bytes, boolean bigEndian) {}

  /** What {@code _rebuild_tensor_v2} describes: a strided view into a storage. */
  record TensorRef(Storage storage, long offset, long[] size, long[] stride) {}

  /**
   * Reads a checkpoint (zip or legacy, detected from the first bytes). Tensor names are the state dict's keys, in
   * its order, unnormalised (see {@link BertWeightNames#canonical}).
   *
   * @throws UnsafePickleException if the pickle names a global outside the allow-list
   * @throws TensorFormatException if the file is corrupt, truncated or not a state dict
   */
  public static TensorSource read(Path bin) throws IOException {
    MappedFile file = new MappedFile(bin);
    try {
      ByteBuffer head = file.slice(0, Math.min(4, file.size()), "file header");
      if (head.remaining() == 4 && head.getInt(0) == ZipIndex.LOCAL_MAGIC) {
        return readZip(file);
      }
      if (head.remaining() >= 2 && (head.get(0) & 0xFF) == 0x80) {
        return readLegacy(file);
      }
      if (file.size() >= 262 && isTar(file)) {
        throw new TensorFormatException(bin + ": tar-format PyTorch checkpoints (torch < 0.4) are not supported");
      }
      throw new TensorFormatException(
          bin + ": not a PyTorch checkpoint: neither a zip archive (PK\\3\\4) nor a legacy pickle (wrong magic)");
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  private static boolean isTar(MappedFile f) throws IOException {
    ByteBuffer b = f.slice(257, 5, "tar magic");
    byte[] m = new byte[5];
    b.get(m);
    return "ustar".equals(new String(m, StandardCharsets.US_ASCII));
  }

  // ------------------------------------------------------------------------------------------ zip format

  private static TensorSource readZip(MappedFile file) throws IOException {
    Path path = file.path();
    ZipIndex zip = new ZipIndex(file);
    String root = null;
    for (String name : zip.records().keySet()) {
      int slash = name.indexOf('/');
      if (slash > 0 && name.equals(name.substring(0, slash + 1) + DATA_PKL)) {
        if (root != null) {
          throw new TensorFormatException(path + ": two pickles, " + root + DATA_PKL + " and " + name);
        }
        root = name.substring(0, slash + 1);
      }
    }
    if (root == null) {
      throw new TensorFormatException(path + ": zip archive has no <root>/" + DATA_PKL + " record (not a torch.save file)");
    }
    boolean bigEndian = false;
    ZipIndex.Record bo = zip.records().get(root + BYTEORDER);
    if (bo != null) {
      ByteBuffer b = zip.data(bo);
      byte[] s = new byte[Math.min(b.remaining(), 16)];
      b.get(s);
      String order = new String(s, StandardCharsets.US_ASCII).trim();
      if ("big".equals(order)) {
        bigEndian = true;
      } else if (!"little".equals(order)) {
        throw new TensorFormatException(path + ": " + root + BYTEORDER + " says \"" + order + "\", expected little or big");
      }
    }
    final String prefix = root;
    final boolean big = bigEndian;
    Map<String, Storage> storages = new HashMap<>();
    String where = path + " (" + root + DATA_PKL + ")";
    Unpickler.PersistentLoader loader =
        pid -> {
          // ('storage', storage_type, key, location, numel)
          PyTuple t = storagePid(pid, 5, where);
          DType dtype = storageType(t.get(1), where);
          String key = str(t.get(2), "storage key", where);
          long numel = nonNegative(t.get(4), "storage size", where);
          Storage s = storages.get(key);
          if (s != null) {
            if (s.dtype != dtype || s.numel != numel) {
              throw new TensorFormatException(where + ": storage " + key + " is referenced with two different types or sizes");
            }
            return s;
          }
          String recName = prefix + "data/" + key;
          ZipIndex.Record rec = zip.records().get(recName);
          if (rec == null) {
            throw new TensorFormatException(path + ": storage record " + recName + " is missing from the archive");
          }
          long need = bytesOf(numel, dtype, where, key);
          if (need > rec.size()) {
            throw new TensorFormatException(
                path + ": storage " + key + " declares " + numel + " × " + dtype + " = " + need
                    + " bytes but its record " + recName + " holds only " + rec.size());
          }
          ByteBuffer data = zip.data(rec);
          s = new Storage(key, dtype, numel, data.slice(0, (int) need).order(ByteOrder.LITTLE_ENDIAN), big);
          storages.put(key, s);
          return s;
        };
    ZipIndex.Record pkl = zip.records().get(root + DATA_PKL);
    Object obj = new Unpickler(zip.data(pkl), where, loader, PyTorchCheckpoint::reduce).load();
    return new PyTorchSource(file, stateDict(obj, where));
  }

  // ------------------------------------------------------------------------------------------ legacy format

  private static TensorSource readLegacy(MappedFile file) throws IOException {
    Path path = file.path();
    // the pickles sit at the start; storages follow. Map the first 2 GiB at most for the pickles.
    ByteBuffer in = file.slice(0, Math.min(file.size(), Safetensors.MAX_MAP_BYTES), "pickles");
    Unpickler.PersistentLoader none = pid -> {
      throw new TensorFormatException(path + ": unexpected persistent id in a header pickle");
    };
    Object magic = new Unpickler(in, path + " (magic number)", none, PyTorchCheckpoint::reduce).load();
    BigInteger m = magic instanceof Long l ? BigInteger.valueOf(l) : magic instanceof BigInteger b ? b : null;
    if (!LEGACY_MAGIC.equals(m)) {
      throw new TensorFormatException(path + ": not a PyTorch checkpoint: wrong magic number");
    }
    Object proto = new Unpickler(in, path + " (protocol version)", none, PyTorchCheckpoint::reduce).load();
    if (!(proto instanceof Long p) || p != LEGACY_PROTOCOL_VERSION) {
      throw new TensorFormatException(
          path + ": unsupported legacy protocol version " + Unpickler.describe(proto) + " (expected 1001)");
    }
    Object sysInfo = new Unpickler(in, path + " (sys info)", none, PyTorchCheckpoint::reduce).load();
    boolean bigEndian = sysInfo instanceof Map<?, ?> si && Boolean.FALSE.equals(si.get("little_endian"));

    // storage key → (type, numel), filled as the main pickle names them; views resolved after data is read
    record Declared(DType dtype, long numel) {}
    LinkedHashMap<String, Declared> declared = new LinkedHashMap<>();
    record View(String base, long offset, long numel) {}
    Map<String, View> views = new HashMap<>();
    // storages are read after the main pickle, so the pickle gets placeholders resolved later
    Map<String, Storage[]> slots = new HashMap<>();
    String where = path + " (main pickle)";
    Unpickler.PersistentLoader loader =
        pid -> {
          // ('storage', storage_type, root_key, location, numel, view_metadata)
          PyTuple t = storagePid(pid, 6, where);
          DType dtype = storageType(t.get(1), where);
          String key = str(t.get(2), "storage key", where);
          long numel = nonNegative(t.get(4), "storage size", where);
          Declared prev = declared.putIfAbsent(key, new Declared(dtype, numel));
          if (prev != null && !prev.equals(new Declared(dtype, numel))) {
            throw new TensorFormatException(where + ": storage " + key + " is declared twice differently");
          }
          String slotKey = key;
          Object vm = t.get(5);
          if (vm != Unpickler.NONE) {
            if (!(vm instanceof PyTuple v) || v.size() != 3) {
              throw new TensorFormatException(where + ": storage " + key + " has malformed view metadata");
            }
            slotKey = str(v.get(0), "view key", where);
            View view = new View(key, nonNegative(v.get(1), "view offset", where), nonNegative(v.get(2), "view size", where));
            View old = views.putIfAbsent(slotKey, view);
            if (old != null && !old.equals(view)) {
              throw new TensorFormatException(where + ": storage view " + slotKey + " is declared twice differently");
            }
          }
          return slots.computeIfAbsent(slotKey, k -> new Storage[1]);
        };
    Object obj = new Unpickler(in, where, loader, PyTorchCheckpoint::reduce).load();
    Object keys = new Unpickler(in, path + " (storage keys)", none, PyTorchCheckpoint::reduce).load();
    if (!(keys instanceof List<?> keyList)) {
      throw new TensorFormatException(path + ": the storage key list is " + Unpickler.describe(keys) + ", not a list");
    }
    long pos = in.position();
    Map<String, Storage> storages = new HashMap<>();
    for (Object k : keyList) {
      String key = str(k, "storage key", path.toString());
      Declared d = declared.get(key);
      if (d == null) {
        throw new TensorFormatException(path + ": storage key " + key + " is listed but no tensor uses it");
      }
      if (storages.containsKey(key)) {
        throw new TensorFormatException(path + ": storage key " + key + " is listed twice");
      }
      ByteBuffer count = file.slice(pos, Long.BYTES, "element count of storage " + key);
      long numel = count.getLong(0);
      if (bigEndian) {
        numel = Long.reverseBytes(numel);
      }
      if (numel != d.numel) {
        throw new TensorFormatException(
            path + ": storage " + key + " has " + numel + " elements in the file but " + d.numel + " in the pickle");
      }
      long nbytes = bytesOf(numel, d.dtype, path.toString(), key);
      ByteBuffer data = file.slice(pos + Long.BYTES, nbytes, "data of storage " + key);
      storages.put(key, new Storage(key, d.dtype, numel, data, bigEndian));
      pos += Long.BYTES + nbytes;
    }
    for (Map.Entry<String, Storage[]> e : slots.entrySet()) {
      String slotKey = e.getKey();
      View v = views.get(slotKey);
      Storage base = storages.get(v == null ? slotKey : v.base);
      if (base == null) {
        throw new TensorFormatException(path + ": storage " + (v == null ? slotKey : v.base) + " is used but its data is missing");
      }
      if (v == null) {
        e.getValue()[0] = base;
      } else {
        if (v.offset > base.numel || v.numel > base.numel - v.offset) {
          throw new TensorFormatException(path + ": storage view " + slotKey + " lies outside storage " + v.base);
        }
        int es = base.dtype.byteSize();
        e.getValue()[0] =
            new Storage(slotKey, base.dtype, v.numel,
                base.bytes.slice((int) (v.offset * es), (int) (v.numel * es)).order(ByteOrder.LITTLE_ENDIAN), bigEndian);
      }
    }
    return new PyTorchSource(file, stateDict(obj, where));
  }

  // ------------------------------------------------------------------------------------------ pickle semantics

  private static PyTuple storagePid(Object pid, int arity, String where) throws TensorFormatException {
    if (!(pid instanceof PyTuple t) || t.size() != arity || !"storage".equals(t.get(0))) {
      throw new TensorFormatException(
          where + ": persistent id " + Unpickler.describe(pid) + " is not a ('storage', ...) tuple of " + arity);
    }
    return t;
  }

  private static DType storageType(Object o, String where) throws TensorFormatException {
    if (o instanceof PyGlobal g && "torch".equals(g.module())) {
      DType d = STORAGE_TYPES.get(g.name());
      if (d != null) {
        return d;
      }
      throw new TensorFormatException(where + ": unsupported storage type torch." + g.name());
    }
    throw new TensorFormatException(where + ": storage type " + Unpickler.describe(o) + " is not a torch storage class");
  }

  private static long bytesOf(long numel, DType dtype, String where, String key) throws TensorFormatException {
    try {
      return Math.multiplyExact(numel, dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new TensorFormatException(where + ": storage " + key + " size overflows");
    }
  }

  private static String str(Object o, String what, String where) throws TensorFormatException {
    if (o instanceof String s) {
      return s;
    }
    throw new TensorFormatException(where + ": " + what + " is " + Unpickler.describe(o) + ", not a string");
  }

  private static long nonNegative(Object o, String what, String where) throws TensorFormatException {
    if (o instanceof Long l && l >= 0) {
      return l;
    }
    throw new TensorFormatException(where + ": " + what + " is " + Unpickler.describe(o) + ", not a non-negative integer");
  }

  private static long[] longs(Object o, String what, String where) throws TensorFormatException {
    if (!(o instanceof PyTuple t)) {
      throw new TensorFormatException(where + ": " + what + " is " + Unpickler.describe(o) + ", not a tuple");
    }
    long[] r = new long[t.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = nonNegative(t.get(i), what + "[" + i + "]", where);
    }
    return r;
  }

  /** Interprets the calls a state dict makes; nothing is executed. */
  static Object reduce(PyGlobal g, PyTuple args) throws IOException {
    String q = g.qualified();
    String where = "REDUCE " + q;
    switch (q) {
      case Unpickler.ORDERED_DICT -> {
        LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
        if (args.size() == 0) {
          return m;
        }
        throw new TensorFormatException(where + ": only OrderedDict() without arguments is supported");
      }
      case Unpickler.REBUILD_TENSOR_V2, Unpickler.REBUILD_TENSOR -> {
        // (storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]])
        if (args.size() < 4) {
          throw new TensorFormatException(where + ": expected at least 4 arguments, got " + args.size());
        }
        Storage[] slot = storageSlot(args.get(0), where);
        long offset = nonNegative(args.get(1), "storage_offset", where);
        long[] size = longs(args.get(2), "size", where);
        long[] stride = longs(args.get(3), "stride", where);
        if (size.length != stride.length) {
          throw new TensorFormatException(where + ": size has " + size.length + " dims but stride " + stride.length);
        }
        return new PendingTensor(slot, offset, size, stride);
      }
      case Unpickler.REBUILD_PARAMETER, Unpickler.REBUILD_PARAMETER_WITH_STATE -> {
        if (args.size() < 1 || !(args.get(0) instanceof PendingTensor)) {
          throw new TensorFormatException(where + ": first argument is not a tensor");
        }
        return args.get(0);
      }
      default -> throw new TensorFormatException(
          where + ": " + q + " cannot be called in a state dict (it is only a storage type tag)");
    }
  }

  /** Zip storages arrive resolved, legacy ones as a slot filled after the data is read. */
  private static Storage[] storageSlot(Object o, String where) throws TensorFormatException {
    if (o instanceof Storage s) {
      return new Storage[] {s};
    }
    if (o instanceof Storage[] slot) {
      return slot;
    }
    throw new TensorFormatException(where + ": first argument " + Unpickler.describe(o) + " is not a storage");
  }

  /** A tensor whose storage may not be read yet (legacy format). */
  record PendingTensor(Storage[] slot, long offset, long[] size, long[] stride) {
    TensorRef resolve() {
      return new TensorRef(slot[0], offset, size, stride);
    }
  }

  /** Checks the unpickled object is a flat {name → tensor} dict. */
  private static LinkedHashMap<String, PendingTensor> stateDict(Object obj, String where) throws TensorFormatException {
    if (!(obj instanceof Map<?, ?> m)) {
      throw new TensorFormatException(where + ": the checkpoint holds " + Unpickler.describe(obj) + ", not a state dict");
    }
    LinkedHashMap<String, PendingTensor> r = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        throw new TensorFormatException(where + ": state dict key " + Unpickler.describe(e.getKey()) + " is not a string");
      }
      if (!(e.getValue() instanceof PendingTensor t)) {
        throw new TensorFormatException(
            where + ": state dict entry \"" + k + "\" is " + Unpickler.describe(e.getValue()) + ", not a tensor");
      }
      r.put(k, t);
    }
    return r;
  }

  // ------------------------------------------------------------------------------------------ materialising

  /**
   * The tensor that a strided view describes: a zero-copy slice when it is contiguous, else a row-major copy.
   * Checks that every element the view can reach lies inside the storage.
   */
  static Tensor materialise(String name, TensorRef ref, String where) throws TensorFormatException {
    Storage s = ref.storage;
    DType dt = s.dtype;
    int es = dt.byteSize();
    long numel;
    long maxIndex = ref.offset;
    try {
      numel = 1;
      for (int i = 0; i < ref.size.length; i++) {
        numel = Math.multiplyExact(numel, ref.size[i]);
        if (ref.size[i] > 0) {
          maxIndex = Math.addExact(maxIndex, Math.multiplyExact(ref.size[i] - 1, ref.stride[i]));
        }
      }
    } catch (ArithmeticException e) {
      throw new TensorFormatException(where + ": tensor \"" + name + "\" view overflows");
    }
    if (numel > 0 && maxIndex >= s.numel) {
      throw new TensorFormatException(
          where + ": tensor \"" + name + "\" (offset " + ref.offset + ", size " + Arrays.toString(ref.size)
              + ", stride " + Arrays.toString(ref.stride) + ") reaches element " + maxIndex + " of storage " + s.key
              + " which has " + s.numel);
    }
    if (numel * es > Safetensors.MAX_MAP_BYTES) {
      throw new TensorFormatException(where + ": tensor \"" + name + "\" is over 2 GiB");
    }
    if (numel == 0) {
      return Tensor.of(name, dt, ref.size, ByteBuffer.allocate(0));
    }
    boolean contiguous = isContiguous(ref.size, ref.stride);
    if (contiguous && (!s.bigEndian || es == 1)) {
      return Tensor.of(name, dt, ref.size, s.bytes.slice((int) (ref.offset * es), (int) (numel * es)));
    }
    // gather element by element in row-major order (also converts big-endian storages)
    byte[] out = new byte[(int) (numel * es)];
    ByteBuffer src = s.bytes;
    int rank = ref.size.length;
    long[] idx = new long[rank];
    long srcIndex = ref.offset;
    for (long n = 0; n < numel; n++) {
      int base = (int) (n * es);
      int from = (int) (srcIndex * es);
      if (s.bigEndian) {
        for (int b = 0; b < es; b++) {
          out[base + b] = src.get(from + es - 1 - b);
        }
      } else {
        src.get(from, out, base, es);
      }
      // odometer over the view's index space
      for (int d = rank - 1; d >= 0; d--) {
        if (++idx[d] < ref.size[d]) {
          srcIndex += ref.stride[d];
          break;
        }
        srcIndex -= (ref.size[d] - 1) * ref.stride[d];
        idx[d] = 0;
      }
    }
    return Tensor.of(name, dt, ref.size, ByteBuffer.wrap(out));
  }

  /** Row-major contiguity, ignoring the stride of dimensions of size 1. */
  static boolean isContiguous(long[] size, long[] stride) {
    long expected = 1;
    for (int i = size.length - 1; i >= 0; i--) {
      if (size[i] != 1 && stride[i] != expected) {
        return false;
      }
      expected *= size[i];
    }
    return true;
  }

  /** The tensors of a read checkpoint; views are materialised on first access. */
  private static final class PyTorchSource implements TensorSource {
    private final MappedFile file;
    private final LinkedHashMap<String, PendingTensor> refs;
    private final List<String> names;
    private volatile boolean closed;

    PyTorchSource(MappedFile file, LinkedHashMap<String, PendingTensor> refs) throws TensorFormatException {
      this.file = file;
      this.refs = refs;
      this.names = List.copyOf(refs.keySet());
      // check every view now, so that a corrupt file fails at open, not at first use
      for (Map.Entry<String, PendingTensor> e : refs.entrySet()) {
        if (e.getValue().slot[0] == null) {
          throw new TensorFormatException(file.path() + ": tensor \"" + e.getKey() + "\" has no storage data");
        }
        checkView(e.getKey(), e.getValue().resolve());
      }
    }

    private void checkView(String name, TensorRef ref) throws TensorFormatException {
      long maxIndex = ref.offset;
      long numel = 1;
      try {
        for (int i = 0; i < ref.size.length; i++) {
          numel = Math.multiplyExact(numel, ref.size[i]);
          if (ref.size[i] > 0) {
            maxIndex = Math.addExact(maxIndex, Math.multiplyExact(ref.size[i] - 1, ref.stride[i]));
          }
        }
      } catch (ArithmeticException e) {
        throw new TensorFormatException(file.path() + ": tensor \"" + name + "\" view overflows");
      }
      if (numel > 0 && maxIndex >= ref.storage.numel) {
        throw new TensorFormatException(
            file.path() + ": tensor \"" + name + "\" (offset " + ref.offset + ", size " + Arrays.toString(ref.size)
                + ", stride " + Arrays.toString(ref.stride) + ") reaches element " + maxIndex + " of storage "
                + ref.storage.key + " which has " + ref.storage.numel);
      }
    }

    @Override
    public List<String> names() {
      return names;
    }

    @Override
    public boolean contains(String name) {
      return refs.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
      if (closed) {
        throw new IllegalStateException(file.path() + " is closed");
      }
      PendingTensor p = refs.get(name);
      if (p == null) {
        throw new IllegalArgumentException("no tensor \"" + name + "\" in " + file.path());
      }
      try {
        return materialise(name, p.resolve(), file.path().toString());
      } catch (TensorFormatException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }

    @Override
    public Map<String, String> metadata() {
      return Map.of();
    }

    @Override
    public void close() {
      closed = true;
      file.close();
    }

    @Override
    public String toString() {
      return "PyTorch checkpoint " + file.path();
    }
  }

}
