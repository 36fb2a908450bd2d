package io.finbert4j.cli.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only index over an ONNX graph (the protobuf classes come from {@code tribuo-util-onnx}): initializers and
 * {@code Constant} node values by name, the node producing each value and the nodes consuming it, and decoding of
 * tensor payloads ({@code raw_data}, typed repeated fields, or external data files) to float32 / int64.
 *
 * <p>Only what the BERT importer needs; it does not evaluate the graph.
 */
final class OnnxGraph {
  /** ONNX {@code TensorProto.DataType} codes used here (onnx.proto). */
  static final int FLOAT = 1;

  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int FLOAT16 = 10;
  static final int DOUBLE = 11;
  static final int BFLOAT16 = 16;

  final Path file;
  final GraphProto graph;
  /** Initializers in file order. */
  final LinkedHashMap<String, TensorProto> initializers = new LinkedHashMap<>();
  /** Outputs of {@code Constant} nodes, as tensors. */
  final Map<String, TensorProto> constants = new HashMap<>();
  /** Value name → the node that produces it. */
  final Map<String, NodeProto> producer = new HashMap<>();
  /** Value name → the nodes that consume it, in graph order. */
  final Map<String, List<NodeProto>> consumers = new HashMap<>();

  private OnnxGraph(Path file, GraphProto graph) {
    this.file = file;
    this.graph = graph;
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    for (NodeProto n : graph.getNodeList()) {
      for (String out : n.getOutputList()) {
        producer.put(out, n);
      }
      for (String in : n.getInputList()) {
        if (!in.isEmpty()) {
          consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
      }
      if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
        constantValue(n).ifPresent(t -> constants.put(n.getOutput(0), t));
      }
    }
  }

  /** Parses an ONNX model file. */
  static OnnxGraph read(Path onnx) throws IOException {
    if (!Files.isRegularFile(onnx)) {
      throw new IOException("ONNX model not found: " + onnx);
    }
    ModelProto model;
    try (InputStream in = Files.newInputStream(onnx)) {
      CodedInputStream cin = CodedInputStream.newInstance(in);
      // Weight payloads are large single fields; lift protobuf's per-message limit to the 2 GiB format maximum.
      cin.setSizeLimit(Integer.MAX_VALUE);
      model = ModelProto.parseFrom(cin);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException("not a valid ONNX model (protobuf ModelProto): " + onnx + ": " + e.getMessage(), e);
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new IOException("ONNX model " + onnx + " has no graph nodes");
    }
    return new OnnxGraph(onnx, model.getGraph());
  }

  /** The value of a {@code Constant} node as a tensor, for the attribute forms we can decode. */
  private static Optional<TensorProto> constantValue(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return Optional.of(a.getT());
        case "value_float":
          return Optional.of(TensorProto.newBuilder().setDataType(FLOAT).addFloatData(a.getF()).build());
        case "value_floats":
          return Optional.of(
              TensorProto.newBuilder().setDataType(FLOAT).addDims(a.getFloatsCount()).addAllFloatData(a.getFloatsList()).build());
        case "value_int":
          return Optional.of(TensorProto.newBuilder().setDataType(INT64).addInt64Data(a.getI()).build());
        case "value_ints":
          return Optional.of(
              TensorProto.newBuilder().setDataType(INT64).addDims(a.getIntsCount()).addAllInt64Data(a.getIntsList()).build());
        default:
          // other attribute forms (strings, sparse) never carry BERT hyper-parameters
      }
    }
    return Optional.empty();
  }

  /** The initializer or {@code Constant} output of that name, if the value is a graph constant. */
  Optional<TensorProto> constant(String valueName) {
    TensorProto t = initializers.get(valueName);
    if (t == null) {
      t = constants.get(valueName);
    }
    return Optional.ofNullable(t);
  }

  List<NodeProto> consumersOf(String valueName) {
    return consumers.getOrDefault(valueName, List.of());
  }

  Optional<NodeProto> producerOf(String valueName) {
    return Optional.ofNullable(producer.get(valueName));
  }

  List<NodeProto> nodes(String opType) {
    List<NodeProto> out = new ArrayList<>();
    for (NodeProto n : graph.getNodeList()) {
      if (n.getOpType().equals(opType)) {
        out.add(n);
      }
    }
    return out;
  }

  static Optional<AttributeProto> attribute(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  static long[] dims(TensorProto t) {
    long[] d = new long[t.getDimsCount()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.getDims(i);
    }
    return d;
  }

  static long numel(TensorProto t) {
    long n = 1;
    for (long d : dims(t)) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  static boolean isFloatType(TensorProto t) {
    int dt = t.getDataType();
    return dt == FLOAT || dt == FLOAT16 || dt == DOUBLE || dt == BFLOAT16;
  }

  /** A tensor's elements as float32 (float, float16, bfloat16 and double payloads). Returns new. */
  float[] floats(TensorProto t) throws IOException {
    int n = Math.toIntExact(numel(t));
    float[] out = new float[n];
    int dt = t.getDataType();
    ByteBuffer raw = payload(t);
    if (raw != null) {
      checkBytes(t, raw, n, byteSize(dt));
      switch (dt) {
        case FLOAT -> raw.asFloatBuffer().get(out);
        case DOUBLE -> {
          for (int i = 0; i < n; i++) {
            out[i] = (float) raw.getDouble(i * Double.BYTES);
          }
        }
        case FLOAT16 -> {
          for (int i = 0; i < n; i++) {
            out[i] = halfToFloat(raw.getShort(i * 2));
          }
        }
        case BFLOAT16 -> {
          for (int i = 0; i < n; i++) {
            out[i] = Float.intBitsToFloat((raw.getShort(i * 2) & 0xFFFF) << 16);
          }
        }
        default -> throw new IOException(
            "ONNX tensor " + t.getName() + " in " + file + " has data type " + dt + ", not a floating-point type");
      }
      return out;
    }
    switch (dt) {
      case FLOAT -> {
        requireCount(t, t.getFloatDataCount(), n);
        for (int i = 0; i < n; i++) {
          out[i] = t.getFloatData(i);
        }
      }
      case DOUBLE -> {
        requireCount(t, t.getDoubleDataCount(), n);
        for (int i = 0; i < n; i++) {
          out[i] = (float) t.getDoubleData(i);
        }
      }
      case FLOAT16 -> {
        // onnx.proto: float16 values are stored bit-wise in int32_data
        requireCount(t, t.getInt32DataCount(), n);
        for (int i = 0; i < n; i++) {
          out[i] = halfToFloat((short) t.getInt32Data(i));
        }
      }
      case BFLOAT16 -> {
        requireCount(t, t.getInt32DataCount(), n);
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((t.getInt32Data(i) & 0xFFFF) << 16);
        }
      }
      default -> throw new IOException(
          "ONNX tensor " + t.getName() + " in " + file + " has data type " + dt + ", not a floating-point type");
    }
    return out;
  }

  /** A tensor's elements as int64 (int64 and int32 payloads). Returns new. */
  long[] longs(TensorProto t) throws IOException {
    int n = Math.toIntExact(numel(t));
    long[] out = new long[n];
    int dt = t.getDataType();
    ByteBuffer raw = payload(t);
    if (dt == INT64) {
      if (raw != null) {
        checkBytes(t, raw, n, Long.BYTES);
        raw.asLongBuffer().get(out);
      } else {
        requireCount(t, t.getInt64DataCount(), n);
        for (int i = 0; i < n; i++) {
          out[i] = t.getInt64Data(i);
        }
      }
    } else if (dt == INT32) {
      if (raw != null) {
        checkBytes(t, raw, n, Integer.BYTES);
        for (int i = 0; i < n; i++) {
          out[i] = raw.getInt(i * Integer.BYTES);
        }
      } else {
        requireCount(t, t.getInt32DataCount(), n);
        for (int i = 0; i < n; i++) {
          out[i] = t.getInt32Data(i);
        }
      }
    } else {
      throw new IOException("ONNX tensor " + t.getName() + " in " + file + " has data type " + dt + ", not an integer type");
    }
    return out;
  }

  /** A scalar (or one-element) float constant, if the named value is one. */
  Optional<Double> scalarFloat(String valueName) throws IOException {
    Optional<TensorProto> t = constant(valueName);
    if (t.isEmpty() || !isFloatType(t.get()) || numel(t.get()) != 1) {
      return Optional.empty();
    }
    return Optional.of((double) floats(t.get())[0]);
  }

  /**
   * The raw little-endian payload, from {@code raw_data} or an external data file; {@code null} when the tensor uses
   * the typed repeated fields instead.
   */
  private ByteBuffer payload(TensorProto t) throws IOException {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      return externalPayload(t);
    }
    if (t.hasRawData()) {
      ByteString raw = t.getRawData();
      return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
    return null;
  }

  /** onnx.proto external data: keys location (relative to the model file), offset, length. */
  private ByteBuffer externalPayload(TensorProto t) throws IOException {
    String location = null;
    long offset = 0;
    long length = -1;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = Long.parseLong(e.getValue());
        case "length" -> length = Long.parseLong(e.getValue());
        default -> {
          // "checksum" and future keys are not needed to read the bytes
        }
      }
    }
    if (location == null) {
      throw new IOException("ONNX tensor " + t.getName() + " in " + file + " is external but names no location");
    }
    Path dir = file.toAbsolutePath().getParent();
    Path data = dir.resolve(location).normalize();
    if (!data.startsWith(dir)) {
      throw new IOException("ONNX tensor " + t.getName() + ": external data location escapes the model folder: " + location);
    }
    long expected = Math.multiplyExact(numel(t), byteSize(t.getDataType()));
    if (length < 0) {
      length = expected;
    }
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "r")) {
      if (offset + length > f.length()) {
        throw new IOException(
            "ONNX tensor " + t.getName() + ": external data " + data + " is " + f.length() + " bytes, needs "
                + (offset + length));
      }
      byte[] bytes = new byte[Math.toIntExact(length)];
      f.seek(offset);
      f.readFully(bytes);
      return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  private void checkBytes(TensorProto t, ByteBuffer raw, int n, int elemBytes) throws IOException {
    if (raw.remaining() != (long) n * elemBytes) {
      throw new IOException(
          "ONNX tensor " + t.getName() + " in " + file + ": shape " + Arrays.toString(dims(t)) + " needs "
              + (long) n * elemBytes + " bytes of data but holds " + raw.remaining());
    }
  }

  private void requireCount(TensorProto t, int have, int n) throws IOException {
    if (have != n) {
      throw new IOException(
          "ONNX tensor " + t.getName() + " in " + file + ": shape " + Arrays.toString(dims(t)) + " has " + n
              + " elements but the data field holds " + have);
    }
  }

  private static int byteSize(int dataType) {
    return switch (dataType) {
      case FLOAT, INT32 -> 4;
      case DOUBLE, INT64 -> 8;
      case FLOAT16, BFLOAT16 -> 2;
      default -> 1;
    };
  }

  /** IEEE 754 binary16 → binary32 (handles subnormals, infinities and NaN). */
  static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits >>> 15) << 31;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal half: value = mant · 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
