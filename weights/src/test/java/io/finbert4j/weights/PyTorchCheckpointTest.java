package io.finbert4j.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.weights.Pickles.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PyTorchCheckpointTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  // ------------------------------------------------------------------------------------------ fixture parity

  private static void assertSameAsSafetensors(Path bin) throws IOException {
    Path dir = Fixtures.tinyFinbert();
    try (TensorSource st = Safetensors.open(dir.resolve("model.safetensors"));
        TensorSource pt = PyTorchCheckpoint.read(bin)) {
      List<String> seen = new ArrayList<>();
      for (String raw : pt.names()) {
        String c = BertWeightNames.canonical(raw);
        if (BertWeightNames.isIgnored(c)) {
          continue;
        }
        Tensor a = pt.get(raw);
        Tensor b = st.get(c);
        assertTrue(a.contentEquals(b), bin.getFileName() + ": " + raw + " differs from model.safetensors " + c);
        seen.add(c);
      }
      assertEquals(st.names().size(), seen.size(), "every safetensors tensor is in " + bin.getFileName());
    }
  }

  @Test
  void zipFixtureIsBitIdenticalToSafetensors() throws IOException {
    assertSameAsSafetensors(Fixtures.tinyFinbert().resolve("pytorch_model.bin"));
  }

  @Test
  void legacyFixtureIsBitIdenticalToSafetensors() throws IOException {
    try (TensorSource pt = PyTorchCheckpoint.read(Fixtures.tinyFinbert().resolve("pytorch_model.legacy.bin"))) {
      assertTrue(pt.contains("bert.embeddings.LayerNorm.gamma"), "legacy fixture uses TF-era gamma/beta names");
    }
    assertSameAsSafetensors(Fixtures.tinyFinbert().resolve("pytorch_model.legacy.bin"));
  }

  @Test
  void zipFixtureSharesOneStorageForLayer0QueryKeyValue() throws IOException {
    try (TensorSource pt = PyTorchCheckpoint.read(Fixtures.tinyFinbert().resolve("pytorch_model.bin"))) {
      Tensor q = pt.get("bert.encoder.layer.0.attention.self.query.weight");
      Tensor k = pt.get("bert.encoder.layer.0.attention.self.key.weight");
      assertArrayEquals(new long[] {16, 16}, q.shape());
      assertFalse(q.contentEquals(k), "query and key are different views of the shared storage");
      Tensor pos = pt.get("bert.embeddings.position_ids");
      assertEquals(DType.I64, pos.dtype());
      float[] ids = pos.toFloatArray();
      assertEquals(511f, ids[511]);
    }
  }

  @Test
  void rootFolderNameIsFoundNotAssumed() throws IOException {
    Path src = Fixtures.tinyFinbert().resolve("pytorch_model.bin");
    Map<String, byte[]> renamed = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(src.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        String n = e.getName();
        renamed.put("archive" + n.substring(n.indexOf('/')), z.getInputStream(e).readAllBytes());
      }
    }
    Path out = tmp.resolve("renamed.bin");
    Pickles.writeStoredZip(out, renamed);
    assertSameAsSafetensors(out);
  }

  // ------------------------------------------------------------------------------------------ views and strides

  /** A 2×3 storage read as its transpose (3×2, strides (1, 3)) and as a slice with an offset. */
  @Test
  void nonContiguousViewsAndOffsetsAreMaterialisedRowMajor() throws IOException {
    float[] storage = {0, 1, 2, 3, 4, 5, 6, 7};
    List<TensorSpec> specs =
        Pickles.list(
            new TensorSpec("t", "0", "FloatStorage", 8, 0, new long[] {3, 2}, new long[] {1, 3}),
            new TensorSpec("row", "0", "FloatStorage", 8, 5, new long[] {3}, new long[] {1}),
            new TensorSpec("col", "0", "FloatStorage", 8, 1, new long[] {2}, new long[] {3}),
            new TensorSpec("scalar", "0", "FloatStorage", 8, 7, new long[] {}, new long[] {}),
            new TensorSpec("bcast", "0", "FloatStorage", 8, 2, new long[] {2, 2}, new long[] {0, 1}));
    Path zip = tmp.resolve("views.bin");
    Pickles.writeZip(zip, "pytorch_model", Pickles.stateDict(specs, false), Map.of("0", Pickles.floatsLE(storage)));
    Path legacy = tmp.resolve("views.legacy.bin");
    Pickles.writeLegacy(
        legacy, Pickles.stateDict(specs, true), Map.of("0", ByteBuffer.wrap(Pickles.floatsLE(storage))), Map.of("0", 4));
    for (Path p : List.of(zip, legacy)) {
      try (TensorSource src = PyTorchCheckpoint.read(p)) {
        assertEquals(List.of("t", "row", "col", "scalar", "bcast"), src.names());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, src.get("t").toFloatArray(), p.toString());
        assertArrayEquals(new long[] {3, 2}, src.get("t").shape());
        assertArrayEquals(new float[] {5, 6, 7}, src.get("row").toFloatArray());
        assertArrayEquals(new float[] {1, 4}, src.get("col").toFloatArray());
        assertArrayEquals(new float[] {7}, src.get("scalar").toFloatArray());
        assertEquals(0, src.get("scalar").rank());
        assertArrayEquals(new float[] {2, 3, 2, 3}, src.get("bcast").toFloatArray());
      }
    }
  }

  @Test
  void viewPastTheEndOfItsStorageIsRejected() throws IOException {
    List<TensorSpec> specs =
        Pickles.list(new TensorSpec("w", "0", "FloatStorage", 4, 2, new long[] {2, 2}, new long[] {2, 1}));
    Path zip = tmp.resolve("oob.bin");
    Pickles.writeZip(zip, "archive", Pickles.stateDict(specs, false), Map.of("0", Pickles.floatsLE(0, 1, 2, 3)));
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(zip));
    assertTrue(e.getMessage().contains("\"w\"") && e.getMessage().contains("reaches element 5"), e.getMessage());
  }

  @Test
  void storageLargerThanItsRecordIsRejected() throws IOException {
    List<TensorSpec> specs =
        Pickles.list(new TensorSpec("w", "0", "FloatStorage", 1L << 40, 0, new long[] {4}, new long[] {1}));
    Path zip = tmp.resolve("lying.bin");
    Pickles.writeZip(zip, "archive", Pickles.stateDict(specs, false), Map.of("0", Pickles.floatsLE(0, 1, 2, 3)));
    TensorFormatException e =
        assertTimeoutPreemptively(LIMIT, () -> assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(zip)));
    assertTrue(e.getMessage().contains("holds only 16"), e.getMessage());
  }

  @Test
  void missingStorageRecordIsRejected() throws IOException {
    List<TensorSpec> specs =
        Pickles.list(new TensorSpec("w", "7", "FloatStorage", 4, 0, new long[] {4}, new long[] {1}));
    Path zip = tmp.resolve("missing.bin");
    Pickles.writeZip(zip, "archive", Pickles.stateDict(specs, false), Map.of("0", Pickles.floatsLE(0, 1, 2, 3)));
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(zip));
    assertTrue(e.getMessage().contains("archive/data/7") && e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void zipWithoutDataPklIsRejected() throws IOException {
    Path zip = tmp.resolve("nopkl.bin");
    Pickles.writeStoredZip(zip, Map.of("archive/data/0", new byte[16]));
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(zip));
    assertTrue(e.getMessage().contains("data.pkl"), e.getMessage());
  }

  @Test
  void truncatedZipIsRejected() throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.tinyFinbert().resolve("pytorch_model.bin"));
    for (int len : new int[] {0, 3, 30, full.length / 2, full.length - 10}) {
      Path p = tmp.resolve("trunc" + len + ".bin");
      Files.write(p, java.util.Arrays.copyOf(full, len));
      assertTimeoutPreemptively(
          LIMIT, () -> assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(p), "length " + len));
    }
  }

  @Test
  void truncatedLegacyFileIsRejected() throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.tinyFinbert().resolve("pytorch_model.legacy.bin"));
    for (int len : new int[] {1, 2, 14, 100, 3000, full.length / 2, full.length - 1}) {
      Path p = tmp.resolve("trunc" + len + ".bin");
      Files.write(p, java.util.Arrays.copyOf(full, len));
      TensorFormatException e =
          assertTimeoutPreemptively(
              LIMIT, () -> assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(p), "length " + len));
      assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }
  }

  @Test
  void wrongMagicIsRejected() throws IOException {
    Path p = tmp.resolve("magic.bin");
    Files.write(p, Pickles.create().proto(2).integer(12345).stop().bytes());
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(p));
    assertTrue(e.getMessage().contains("wrong magic"), e.getMessage());
    Path q = tmp.resolve("text.bin");
    Files.writeString(q, "hello, not a checkpoint");
    assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(q));
  }

  // ------------------------------------------------------------------------------------------ hostile pickles

  private void assertRefused(byte[] pkl, String global) throws IOException {
    Path zip = tmp.resolve("evil-" + System.nanoTime() + ".bin");
    Pickles.writeZip(zip, "archive", pkl, Map.of());
    UnsafePickleException e =
        assertTimeoutPreemptively(LIMIT, () -> assertThrows(UnsafePickleException.class, () -> PyTorchCheckpoint.read(zip)));
    assertEquals(global, e.global());
    assertTrue(e.getMessage().contains(global) && e.getMessage().contains("archive/data.pkl"), e.getMessage());

    // the same pickle as the main pickle of a legacy file
    Path legacy = tmp.resolve("evil-" + System.nanoTime() + ".legacy.bin");
    Pickles.writeLegacy(legacy, pkl, Map.of(), Map.of());
    UnsafePickleException l = assertThrows(UnsafePickleException.class, () -> PyTorchCheckpoint.read(legacy));
    assertEquals(global, l.global());
  }

  @Test
  void osSystemViaGlobalIsRefused() throws IOException {
    Path marker = tmp.resolve("pwned");
    byte[] pkl =
        Pickles.create().proto(2).global("os", "system").mark().str("touch " + marker).op('t').reduce().stop().bytes();
    assertRefused(pkl, "os.system");
    assertFalse(Files.exists(marker), "nothing may be executed");
  }

  @Test
  void stackGlobalVariantsAreRefused() throws IOException {
    assertRefused(
        Pickles.create().proto(4).stackGlobal("builtins", "eval").str("1+1").op(0x85).reduce().stop().bytes(),
        "builtins.eval");
    assertRefused(
        Pickles.create().proto(4).stackGlobal("builtins", "exec").str("x").op(0x85).reduce().stop().bytes(),
        "builtins.exec");
    assertRefused(
        Pickles.create().proto(2).global("subprocess", "Popen").str("ls").op(0x85).reduce().stop().bytes(),
        "subprocess.Popen");
    assertRefused(Pickles.create().proto(2).global("posix", "system").stop().bytes(), "posix.system");
    assertRefused(Pickles.create().proto(2).global("__builtin__", "getattr").stop().bytes(), "__builtin__.getattr");
    // a hostile global hidden inside an otherwise valid state dict entry
    assertRefused(
        Pickles.create().proto(2).global("collections", "OrderedDict").op(')').reduce()
            .str("w").global("torch", "load").str("x").op(0x85).reduce().op('s').stop().bytes(),
        "torch.load");
    // INST (protocol 0) names the class inline
    byte[] inst = Pickles.create().mark().str("id").op('i').bytes();
    byte[] withName = concat(inst, "os\nsystem\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[] {'.'});
    assertRefused(withName, "os.system");
  }

  @Test
  void allowedGlobalCalledWrongIsRejectedNotExecuted() throws IOException {
    byte[] pkl = Pickles.create().proto(2).global("torch", "FloatStorage").mark().op('t').reduce().stop().bytes();
    Path zip = tmp.resolve("call.bin");
    Pickles.writeZip(zip, "archive", pkl, Map.of());
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(zip));
    assertFalse(e instanceof UnsafePickleException);
    assertTrue(e.getMessage().contains("cannot be called"), e.getMessage());
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  private TensorFormatException readPickle(byte[] pkl) throws IOException {
    Path zip = tmp.resolve("p-" + System.nanoTime() + ".bin");
    Pickles.writeZip(zip, "archive", pkl, Map.of());
    return assertTimeoutPreemptively(
        LIMIT, () -> assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(zip)));
  }

  @Test
  void unknownOpcodeIsRejected() throws IOException {
    TensorFormatException e = readPickle(Pickles.create().proto(2).op(0xff).stop().bytes());
    assertTrue(e.getMessage().contains("unknown or unsupported pickle opcode 0xff"), e.getMessage());
  }

  @Test
  void truncatedPickleIsRejected() throws IOException {
    byte[] full = Pickles.stateDict(
        Pickles.list(new TensorSpec("w", "0", "FloatStorage", 4, 0, new long[] {4}, new long[] {1})), false);
    for (int len = 0; len < full.length; len += 7) {
      Path zip = tmp.resolve("t" + len + ".bin");
      Pickles.writeZip(zip, "archive", java.util.Arrays.copyOf(full, len), Map.of("0", new byte[16]));
      TensorFormatException e =
          assertTimeoutPreemptively(LIMIT, () -> assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(zip)));
      assertTrue(e.getMessage().contains("archive/data.pkl"), e.getMessage());
    }
  }

  @Test
  void hugeLengthsAndMemoIndicesDoNotAllocate() throws IOException {
    // BINUNICODE claiming 4 GiB
    TensorFormatException e = readPickle(Pickles.create().proto(2).op('X', 0xff, 0xff, 0xff, 0xff).stop().bytes());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    // BINUNICODE8 claiming 2^62 bytes
    e = readPickle(Pickles.create().proto(4).op(0x8d, 0, 0, 0, 0, 0, 0, 0, 0x40).stop().bytes());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    // LONG4 with a 2 GiB integer
    e = readPickle(Pickles.create().proto(2).op(0x8b, 0xff, 0xff, 0xff, 0x7f).stop().bytes());
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    // LONG_BINPUT / LONG_BINGET at index 2^32-1
    e = readPickle(Pickles.create().proto(2).none().op('r', 0xff, 0xff, 0xff, 0xff).op('j', 0xfe, 0xff, 0xff, 0xff)
        .stop().bytes());
    assertTrue(e.getMessage().contains("memo index 4294967294"), e.getMessage());
  }

  @Test
  void deepNestingIsRejected() throws IOException {
    Pickles p = Pickles.create().proto(2);
    for (int i = 0; i < 100_000; i++) {
      p.mark();
    }
    TensorFormatException e = readPickle(p.stop().bytes());
    assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    // deeply nested lists built without MARK: EMPTY_LIST, then APPEND into the previous one
    Pickles q = Pickles.create().proto(2).op(']');
    for (int i = 0; i < 200_000; i++) {
      q.op(']', 'a');
    }
    e = readPickle(q.stop().bytes());
    assertTrue(e.getMessage().contains("not a state dict"), e.getMessage());
  }

  @Test
  void nonTensorEntriesAreRejectedByName() throws IOException {
    TensorFormatException e = readPickle(
        Pickles.create().proto(2).op('}').str("epoch").integer(3).op('s').stop().bytes());
    assertTrue(e.getMessage().contains("\"epoch\"") && e.getMessage().contains("not a tensor"), e.getMessage());
  }

  @Test
  void otherDtypesAndBigEndianLegacy() throws IOException {
    ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    h.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3555).putShort((short) 0x7C00);
    List<TensorSpec> specs = Pickles.list(
        new TensorSpec("h", "0", "HalfStorage", 4, 0, new long[] {4}, new long[] {1}),
        new TensorSpec("l", "1", "LongStorage", 2, 0, new long[] {2}, new long[] {1}));
    ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-3).putLong(1L << 40);
    Path zip = tmp.resolve("dtypes.bin");
    Pickles.writeZip(zip, "x", Pickles.stateDict(specs, false), Map.of("0", h.array(), "1", l.array()));
    try (TensorSource s = PyTorchCheckpoint.read(zip)) {
      assertEquals(DType.F16, s.get("h").dtype());
      float[] f = s.get("h").toFloatArray();
      assertEquals(1f, f[0]);
      assertEquals(-2f, f[1]);
      assertEquals(0.33325195f, f[2]);
      assertEquals(Float.POSITIVE_INFINITY, f[3]);
      assertArrayEquals(new float[] {-3f, (float) (1L << 40)}, s.get("l").toFloatArray());
    }
  }

  @Test
  void bigEndianZipIsConverted() throws IOException {
    ByteBuffer be = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(3.25f);
    List<TensorSpec> specs = Pickles.list(
        new TensorSpec("w", "0", "FloatStorage", 3, 0, new long[] {3}, new long[] {1}),
        new TensorSpec("tail", "0", "FloatStorage", 3, 1, new long[] {2}, new long[] {1}));
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put("m/data.pkl", Pickles.stateDict(specs, false));
    records.put("m/byteorder", "big".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    records.put("m/data/0", be.array());
    Path zip = tmp.resolve("be.bin");
    Pickles.writeStoredZip(zip, records);
    try (TensorSource s = PyTorchCheckpoint.read(zip)) {
      assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, s.get("w").toFloatArray());
      assertArrayEquals(new float[] {-2f, 3.25f}, s.get("tail").toFloatArray());
      assertEquals(ByteOrder.LITTLE_ENDIAN, s.get("w").bytes().order());
    }
  }

  /** A deflated data.pkl whose central directory claims 2 GiB - 1 bytes: no 2 GiB allocation, a clear error. */
  @Test
  void deflatedRecordLyingAboutItsSizeIsRejected() throws IOException {
    Path zip = tmp.resolve("deflated.bin");
    try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      zos.putNextEntry(new ZipEntry("archive/data.pkl"));
      zos.write(Pickles.create().proto(2).op('}').stop().bytes());
      zos.closeEntry();
    }
    byte[] b = Files.readAllBytes(zip);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    // patch the uncompressed size (offset 24) of the central directory entry
    for (int i = b.length - 22; i >= 0; i--) {
      if (bb.getInt(i) == 0x02014b50) {
        bb.putInt(i + 24, 1000); // a lie under the 256 MiB cap on deflated records (larger ones are refused up front)
        break;
      }
    }
    Files.write(zip, b);
    TensorFormatException e =
        assertTimeoutPreemptively(LIMIT, () -> assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(zip)));
    assertTrue(e.getMessage().contains("inflates to 4 bytes, declared 1000"), e.getMessage());
  }

  /**
   * Old legacy files can name a storage view: persistent id ('storage', type, root_key, location, root_size,
   * (view_key, element_offset, view_size)); the tensor then indexes into the view.
   */
  @Test
  void legacyStorageViews() throws IOException {
    Pickles p = Pickles.create().proto(2).op('}').str("v").global("torch._utils", "_rebuild_tensor").mark();
    p.mark().str("storage").global("torch", "FloatStorage").str("root").str("cpu").integer(6)
        .mark().str("view").integer(2).integer(3).op('t').op('t').op('Q');
    p.integer(1).tupleOfLongs(2).tupleOfLongs(1).op('t').reduce().op('s').stop();
    Path legacy = tmp.resolve("views.legacy.bin");
    Pickles.writeLegacy(legacy, p.bytes(), Map.of("root", ByteBuffer.wrap(Pickles.floatsLE(0, 1, 2, 3, 4, 5))),
        Map.of("root", 4));
    try (TensorSource s = PyTorchCheckpoint.read(legacy)) {
      // view = root[2:5] = {2, 3, 4}; tensor = view[1:3]
      assertArrayEquals(new float[] {3, 4}, s.get("v").toFloatArray());
    }
  }
}
