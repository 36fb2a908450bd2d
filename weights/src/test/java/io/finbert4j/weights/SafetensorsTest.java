package io.finbert4j.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  /** A file with the given header JSON (unpadded) followed by {@code dataLen} zero bytes. */
  private Path file(String json, int dataLen) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataLen).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path p = tmp.resolve("f" + System.nanoTime() + ".safetensors");
    Files.write(p, b.array());
    return p;
  }

  private TensorFormatException rejects(Path p, String... fragments) {
    TensorFormatException e =
        assertTimeoutPreemptively(LIMIT, () -> assertThrows(TensorFormatException.class, () -> Safetensors.open(p)));
    assertTrue(e.getMessage().contains(p.toString()), "message names the file: " + e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message should contain '" + f + "': " + e.getMessage());
    }
    return e;
  }

  @Test
  void readsFixture() throws IOException {
    try (TensorSource s = Safetensors.open(Fixtures.tinyFinbert().resolve("model.safetensors"))) {
      assertEquals(41, s.names().size());
      assertEquals("pt", s.metadata().get("format"));
      Tensor w = s.get("classifier.weight");
      assertEquals(DType.F32, w.dtype());
      assertArrayEquals(new long[] {3, 16}, w.shape());
      assertEquals(48, w.toFloatArray().length);
      assertTrue(w.bytes().isReadOnly());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.get("nope"));
      assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("model.safetensors"));
    }
  }

  @Test
  void roundTripIsBitIdenticalAndDeterministic() throws IOException {
    Path a = tmp.resolve("a.safetensors");
    Path b = tmp.resolve("b.safetensors");
    try (TensorSource s = Safetensors.open(Fixtures.tinyFinbert().resolve("model.safetensors"))) {
      List<Tensor> all = new ArrayList<>();
      s.names().forEach(n -> all.add(s.get(n)));
      Safetensors.write(a, all, Map.of());
      try (TensorSource r = Safetensors.open(a)) {
        assertEquals(new java.util.TreeSet<>(s.names()), new java.util.TreeSet<>(r.names()));
        for (String n : s.names()) {
          assertTrue(s.get(n).contentEquals(r.get(n)), n);
        }
        assertEquals(Map.of("format", "pt"), r.metadata());
        List<Tensor> again = new ArrayList<>();
        r.names().forEach(n -> again.add(r.get(n)));
        Safetensors.write(b, again, Map.of());
      }
    }
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "write is deterministic");
    long headerLen = ByteBuffer.wrap(Files.readAllBytes(a), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, headerLen % 8, "header padded to a multiple of 8");
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(2, files.count(), "no temporary files left behind");
    }
  }

  @Test
  void allDtypesConvertToFloat() throws IOException {
    List<Tensor> ts = new ArrayList<>();
    ts.add(tensor("f64", DType.F64, b -> b.putDouble(1.5).putDouble(-2.25)));
    ts.add(tensor("f16", DType.F16, b -> b.putShort((short) 0x3C00).putShort((short) 0x0001)));
    ts.add(tensor("bf16", DType.BF16, b -> b.putShort((short) 0x3F80).putShort((short) 0xC040)));
    ts.add(tensor("i64", DType.I64, b -> b.putLong(-7).putLong(9)));
    ts.add(tensor("i32", DType.I32, b -> b.putInt(-70000).putInt(3)));
    ts.add(tensor("i16", DType.I16, b -> b.putShort((short) -300).putShort((short) 300)));
    ts.add(tensor("i8", DType.I8, b -> b.put((byte) -1).put((byte) 5)));
    ts.add(tensor("u8", DType.U8, b -> b.put((byte) 0xFF).put((byte) 5)));
    ts.add(tensor("bool", DType.BOOL, b -> b.put((byte) 0).put((byte) 1)));
    Path p = tmp.resolve("dtypes.safetensors");
    Safetensors.write(p, ts, Map.of("note", "dtypes"));
    try (TensorSource s = Safetensors.open(p)) {
      assertEquals("dtypes", s.metadata().get("note"));
      assertArrayEquals(new float[] {1.5f, -2.25f}, s.get("f64").toFloatArray());
      assertArrayEquals(new float[] {1f, 0x1p-24f}, s.get("f16").toFloatArray());
      assertArrayEquals(new float[] {1f, -3f}, s.get("bf16").toFloatArray());
      assertArrayEquals(new float[] {-7f, 9f}, s.get("i64").toFloatArray());
      assertArrayEquals(new float[] {-70000f, 3f}, s.get("i32").toFloatArray());
      assertArrayEquals(new float[] {-300f, 300f}, s.get("i16").toFloatArray());
      assertArrayEquals(new float[] {-1f, 5f}, s.get("i8").toFloatArray());
      assertArrayEquals(new float[] {255f, 5f}, s.get("u8").toFloatArray());
      assertArrayEquals(new float[] {0f, 1f}, s.get("bool").toFloatArray());
      float[] dst = new float[5];
      s.get("i8").copyToFloats(dst, 3);
      assertArrayEquals(new float[] {0, 0, 0, -1, 5}, dst);
      assertThrows(IndexOutOfBoundsException.class, () -> s.get("i8").copyToFloats(dst, 4));
      // 8-byte types first so every tensor is aligned to its element size
      for (String n : s.names()) {
        Tensor t = s.get(n);
        assertEquals(0, offsetOf(p, n) % t.dtype().byteSize(), n + " aligned");
      }
    }
  }

  private static long offsetOf(Path p, String name) throws IOException {
    byte[] all = Files.readAllBytes(p);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
    return json.get(name).get("data_offsets").get(0).longValue();
  }

  private static Tensor tensor(String name, DType dt, java.util.function.Consumer<ByteBuffer> fill) {
    ByteBuffer b = ByteBuffer.allocate(2 * dt.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    fill.accept(b);
    b.flip();
    return Tensor.of(name, dt, new long[] {2}, b);
  }

  @Test
  void halfPrecisionConversionIsExactForAllBitPatterns() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Tensor.halfToFloat((short) bits);
      int exp = (bits >>> 10) & 0x1F;
      if (exp == 0x1F && (bits & 0x3FF) != 0) {
        assertTrue(Float.isNaN(f));
        continue;
      }
      double sign = (bits & 0x8000) != 0 ? -1 : 1;
      double mant = bits & 0x3FF;
      double expected =
          exp == 0x1F ? sign * Double.POSITIVE_INFINITY
              : exp == 0 ? sign * mant * Math.pow(2, -24) : sign * (1 + mant / 1024) * Math.pow(2, exp - 15);
      assertEquals(expected, f, 0.0, "half 0x" + Integer.toHexString(bits));
    }
  }

  // ------------------------------------------------------------------------------------------ corrupt files

  @Test
  void rejectsCorruptFiles() throws IOException {
    String ok = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    // sanity: the well-formed one opens
    Safetensors.open(file(ok, 8)).close();

    Path tooShort = tmp.resolve("short.safetensors");
    Files.write(tooShort, new byte[] {1, 2, 3});
    rejects(tooShort, "shorter than the 8-byte header length");

    // a header that claims terabytes must not allocate them
    Path huge = tmp.resolve("huge.safetensors");
    Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5L << 40).array());
    rejects(huge, "exceeds the limit");
    Path negative = tmp.resolve("neg.safetensors");
    Files.write(negative, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array());
    rejects(negative, "exceeds the limit");
    Path pastEnd = tmp.resolve("past.safetensors");
    Files.write(pastEnd, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
    rejects(pastEnd, "runs past the end of the file");

    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8), "not valid JSON");
    rejects(file("[1,2]", 0), "not a JSON object");
    rejects(file(ok + "xyz", 8), "JSON");
    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "not valid JSON", "w");
    rejects(file("{\"w\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "\"w\"", "unknown dtype \"Q7\"");
    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "\"w\"", "needs 12 bytes");
    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "\"w\"", "non-negative");
    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), "\"w\"", "run past the data");
    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8), "\"w\"", "before begin");
    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "\"w\"", "data_offsets");
    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
        + "\"data_offsets\":[0,8]}}", 8), "\"w\"", "overflows");
    rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999999]}}", 8), "\"w\"");
    rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "\"b\"", "overlap", "\"a\"");
    rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), "belong to no tensor");
    rejects(file(ok, 12), "cover only 8");
    rejects(file("{\"__metadata__\":{\"n\":3}," + ok.substring(1), 8), "__metadata__");
  }

  @Test
  void truncatedFixtureIsRejected() throws IOException {
    byte[] full = Files.readAllBytes(Fixtures.tinyFinbert().resolve("model.safetensors"));
    for (int len : new int[] {0, 7, 8, 100, 4464, full.length / 2, full.length - 1}) {
      Path p = tmp.resolve("t" + len + ".safetensors");
      Files.write(p, java.util.Arrays.copyOf(full, len));
      rejects(p);
    }
  }

  @Test
  void writeRejectsDuplicateNamesAndLeavesOldFile() throws IOException {
    Path p = tmp.resolve("m.safetensors");
    Safetensors.write(p, List.of(Tensor.ofFloats("a", new long[] {1}, new float[] {1})), null);
    byte[] before = Files.readAllBytes(p);
    Tensor t = Tensor.ofFloats("x", new long[] {1}, new float[] {2});
    assertThrows(IllegalArgumentException.class, () -> Safetensors.write(p, List.of(t, t), Map.of()));
    assertArrayEquals(before, Files.readAllBytes(p));
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(1, files.count());
    }
  }

  // ------------------------------------------------------------------------------------------ sharding

  @Test
  void shardedCheckpointThroughIndex() throws IOException {
    Safetensors.write(tmp.resolve("model-00001-of-00002.safetensors"),
        List.of(Tensor.ofFloats("a", new long[] {2}, new float[] {1, 2})), Map.of());
    Safetensors.write(tmp.resolve("model-00002-of-00002.safetensors"),
        List.of(Tensor.ofFloats("b", new long[] {1}, new float[] {3})), Map.of());
    Path index = tmp.resolve("model.safetensors.index.json");
    Files.writeString(index, "{\"metadata\":{\"total_size\":12},\"weight_map\":{"
        + "\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
    try (TensorSource s = Safetensors.openIndex(index)) {
      assertEquals(List.of("a", "b"), s.names());
      assertArrayEquals(new float[] {1, 2}, s.get("a").toFloatArray());
      assertArrayEquals(new float[] {3}, s.get("b").toFloatArray());
      assertEquals("12", s.metadata().get("total_size"));
    }
    Files.writeString(index, "{\"weight_map\":{\"a\":\"model-00002-of-00002.safetensors\"}}");
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> Safetensors.openIndex(index));
    assertTrue(e.getMessage().contains("\"a\""), e.getMessage());
    Files.writeString(index, "{\"weight_map\":{\"a\":\"../evil.safetensors\"}}");
    e = assertThrows(TensorFormatException.class, () -> Safetensors.openIndex(index));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
  }

  // ------------------------------------------------------------------------------------------ > 2 GiB

  /**
   * A sparse file of about 3.2 GiB: a tensor straddling the 2 GiB file offset and one past 3 GiB, with filler tensors
   * in between; only the header and the two tensors' bytes are written.
   */
  @Test
  void filesOverTwoGiBWithTensorsStraddlingTheBoundary() throws IOException {
    long twoGiB = 1L << 31;
    String fmt = "{\"a_fill\":{\"dtype\":\"U8\",\"shape\":[%d],\"data_offsets\":[0,%d]},"
        + "\"b_straddle\":{\"dtype\":\"F32\",\"shape\":[16],\"data_offsets\":[%d,%d]},"
        + "\"c_fill\":{\"dtype\":\"U8\",\"shape\":[%d],\"data_offsets\":[%d,%d]},"
        + "\"d_far\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[%d,%d]}}";
    // the header length does not depend on the digits we fill in as long as the widths stay fixed; iterate once
    int headerLen = 0;
    String json = "";
    for (int pass = 0; pass < 3; pass++) {
      long dataStart = 8 + headerLen;
      long fill1 = twoGiB - 32 - dataStart; // b_straddle starts 32 bytes before file offset 2^31
      long b0 = fill1;
      long b1 = b0 + 64;
      long fill2 = 1L << 30;
      long d0 = b1 + fill2;
      long d1 = d0 + 16;
      json = String.format(fmt, fill1, fill1, b0, b1, fill2, b1, b1 + fill2, d0, d1);
      int padded = (json.length() + 7) / 8 * 8;
      if (padded == headerLen) {
        break;
      }
      headerLen = padded;
    }
    json = json + " ".repeat(headerLen - json.length());
    long dataStart = 8 + headerLen;
    var hdr = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    long b0 = hdr.get("b_straddle").get("data_offsets").get(0).longValue();
    long d0 = hdr.get("d_far").get("data_offsets").get(0).longValue();
    long end = hdr.get("d_far").get("data_offsets").get(1).longValue();
    Path p = tmp.resolve("big.safetensors");
    float[] straddle = new float[16];
    for (int i = 0; i < 16; i++) {
      straddle[i] = i + 0.5f;
    }
    try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
      raf.setLength(dataStart + end);
      ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLen);
      raf.write(h.array());
      raf.write(json.getBytes(StandardCharsets.US_ASCII));
      raf.seek(dataStart + b0);
      raf.write(Pickles.floatsLE(straddle));
      raf.seek(dataStart + d0);
      raf.write(Pickles.floatsLE(-1f, -2f, -3f, -4f));
    } catch (IOException e) {
      throw new IOException("cannot create the sparse 3 GiB test file " + p + " (filesystem without sparse files?): "
          + e.getMessage(), e);
    }
    assertTrue(dataStart + b0 < twoGiB && dataStart + b0 + 64 > twoGiB, "b_straddle crosses the 2 GiB offset");
    try (TensorSource s = Safetensors.open(p)) {
      assertArrayEquals(straddle, s.get("b_straddle").toFloatArray());
      assertArrayEquals(new float[] {-1f, -2f, -3f, -4f}, s.get("d_far").toFloatArray());
      assertEquals(1L << 30, s.get("c_fill").numel());
      assertEquals(0, s.get("c_fill").bytes().get(12345));
    } finally {
      Files.deleteIfExists(p);
    }
    assertFalse(Files.exists(p));
  }
}
