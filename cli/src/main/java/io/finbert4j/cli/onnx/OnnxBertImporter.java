package io.finbert4j.cli.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finbert4j.core.train.ModelDirectory;
import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.BertConfig;
import io.finbert4j.weights.BertWeightNames;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports a BERT encoder exported to ONNX by PyTorch / HF transformers (e.g. all-MiniLM-L6-v2) as an HF model
 * directory: {@code config.json}, {@code model.safetensors} (canonical HF names, HF layouts), {@code tokenizer.json}
 * and the slow-tokenizer files derived from it.
 *
 * <p>How the weights are recovered. The exporter keeps {@code nn.Parameter}s that are used as-is under their module
 * names ({@code embeddings.word_embeddings.weight}, LayerNorm weights, biases, Gemm weights), but each
 * {@code nn.Linear} that became {@code MatMul + Add} has its weight constant-folded into an anonymous
 * {@code onnx::MatMul_N} initializer holding the TRANSPOSED matrix {@code [in, out]} (HF stores {@code [out, in]}).
 * Its name is recovered from the graph: the MatMul's output feeds an {@code Add} whose other input is the bias
 * initializer ({@code encoder.layer.0.attention.self.query.bias}), so the weight is {@code ...query.weight}; failing
 * that, the node's scope name ({@code /encoder/layer.0/attention/self/query/MatMul}) spells the module path.
 * All names go through {@link BertWeightNames#canonical} (adds the {@code bert.} prefix).
 *
 * <p>How the configuration is inferred: sizes from tensor shapes; {@code num_attention_heads} from the attention
 * {@code Reshape}s that split the hidden axis into {@code [heads, head_dim]} (constants in the shape input), else
 * from the score scaling constant {@code sqrt(head_dim)}, else a {@code num_heads} attribute of a fused attention
 * node, else {@code hidden/64}; {@code layer_norm_eps} from a {@code LayerNormalization} node's {@code epsilon} or,
 * for the decomposed form, the constant added to the variance before {@code Sqrt}; {@code hidden_act} from the
 * presence of {@code Erf} (exact GELU). {@link ImportReport#notes()} says which rule decided each value.
 */
public final class OnnxBertImporter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String ANONYMOUS_PREFIX = "onnx::";
  private static final String WORD_EMBEDDINGS = "bert.embeddings.word_embeddings.weight";
  private static final String POSITION_EMBEDDINGS = "bert.embeddings.position_embeddings.weight";
  private static final String TOKEN_TYPE_EMBEDDINGS = "bert.embeddings.token_type_embeddings.weight";
  private static final String POOLER_WEIGHT = "bert.pooler.dense.weight";
  private static final String CLASSIFIER_WEIGHT = "classifier.weight";
  private static final Pattern LAYER_INDEX = Pattern.compile("^bert\\.encoder\\.layer\\.(\\d+)\\.");
  /** Head size assumed by BERT-family models when the graph does not reveal it. */
  private static final int DEFAULT_HEAD_DIM = 64;
  /** HF BertConfig defaults for values an inference graph cannot reveal. */
  private static final double DEFAULT_DROPOUT = 0.1;

  private static final double DEFAULT_INITIALIZER_RANGE = 0.02;
  private static final double DEFAULT_LAYER_NORM_EPS = 1e-12;
  /** ONNX LayerNormalization's default epsilon (operator spec). */
  private static final double ONNX_LAYER_NORM_DEFAULT_EPS = 1e-5;
  /** Tolerance for recognising {@code sqrt(head_dim)} in the attention scaling constant. */
  private static final double SCALE_TOLERANCE = 1e-3;

  private OnnxBertImporter() {}

  /** The hyper-parameters recovered from an ONNX graph (the {@code config.json} values). */
  public record InferredConfig(
      int vocabSize,
      int hiddenSize,
      int numHiddenLayers,
      int numAttentionHeads,
      int intermediateSize,
      int maxPositionEmbeddings,
      int typeVocabSize,
      double layerNormEps,
      String hiddenAct,
      boolean pooler,
      int numLabels) {}

  /**
   * An ONNX BERT read into HF form.
   *
   * @param tensors canonical HF name → tensor in HF layout ({@code nn.Linear} weights {@code [out, in]}), float32
   * @param config the inferred hyper-parameters
   * @param notes how each non-shape hyper-parameter was determined, and what was skipped
   */
  public record OnnxBert(LinkedHashMap<String, Tensor> tensors, InferredConfig config, List<String> notes) {}

  /** What {@link #importModel} wrote. */
  public record ImportReport(Path outDir, InferredConfig config, List<String> tensorNames, List<String> notes) {}

  /**
   * Imports an ONNX BERT and its tokenizer as an HF model directory, then re-opens it strictly with
   * {@link BertCheckpoint#open} to prove it loads.
   *
   * @param onnx the {@code .onnx} file (external data, if any, next to it)
   * @param tokenizerJson the HF fast-tokenizer file for the model (WordPiece)
   * @param outDir created if absent; existing model files in it are replaced
   * @return what was written and how the configuration was inferred
   */
  public static ImportReport importModel(Path onnx, Path tokenizerJson, Path outDir) throws IOException {
    return importModel(onnx, tokenizerJson, outDir, null);
  }

  /**
   * As {@link #importModel(Path, Path, Path)}, and moves the directory {@code include} (when not null) into the
   * output as its sub-folder of the same name, in the same atomic publish (so that {@code import-onnx --minilm}'s
   * extracted ONNX files appear together with the model or not at all).
   */
  public static ImportReport importModel(Path onnx, Path tokenizerJson, Path outDir, Path include) throws IOException {
    HfTokenizerFiles.Derived tok = HfTokenizerFiles.derive(tokenizerJson);
    OnnxBert bert = read(onnx);
    InferredConfig c = bert.config();
    List<String> notes = new ArrayList<>(bert.notes());
    if (tok.vocab().size() > c.vocabSize()) {
      throw new IOException(
          tokenizerJson + " has " + tok.vocab().size() + " tokens but " + onnx + " embeds only " + c.vocabSize()
              + " (" + WORD_EMBEDDINGS + " rows): the tokenizer does not belong to this model");
    }
    if (tok.vocab().size() < c.vocabSize()) {
      notes.add(
          "tokenizer has " + tok.vocab().size() + " tokens, embeddings " + c.vocabSize()
              + " rows (padded vocabulary); vocab_size = " + c.vocabSize());
    }
    // Everything is written into a temporary directory beside outDir and published in one step
    // (ModelDirectory.publish): a crash leaves the previous outDir or none, never a mix of old and new files.
    Path tmp = ModelDirectory.tempBeside(outDir);
    try {
      List<String> written = writeModel(bert, tok, c, notes, onnx, tokenizerJson, tmp);
      if (include != null) {
        Files.move(include, tmp.resolve(include.getFileName().toString()));
      }
      if (Files.isDirectory(outDir)) {
        // keep what else the user had in outDir (regular files we do not write; sub-folders move over in publish)
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(outDir)) {
          for (Path f : ds) {
            String name = f.getFileName().toString();
            if (Files.isRegularFile(f) && !Files.exists(tmp.resolve(name))) {
              Files.copy(f, tmp.resolve(name));
            }
          }
        }
      }
      ModelDirectory.publish(tmp, outDir, true);
      return new ImportReport(outDir, c, written, Collections.unmodifiableList(notes));
    } catch (IOException | RuntimeException e) {
      ModelDirectory.deleteTree(tmp);
      throw e;
    }
  }

  private static List<String> writeModel(OnnxBert bert, HfTokenizerFiles.Derived tok, InferredConfig c,
      List<String> notes, Path onnx, Path tokenizerJson, Path outDir) throws IOException {
    ObjectNode cfg = configJson(c, tok.padTokenId(), onnx, notes);
    writeAtomically(outDir.resolve("config.json"), JSON.writeValueAsBytes(cfg));
    BertConfig config = BertConfig.load(outDir.resolve("config.json"));

    // Order and check the tensors against what the config implies before writing anything large.
    LinkedHashMap<String, long[]> expected =
        BertWeightNames.expectedShapes(config, c.pooler(), c.numLabels() > 0);
    List<String> problems = new ArrayList<>();
    List<Tensor> ordered = new ArrayList<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      Tensor t = bert.tensors().get(e.getKey());
      if (t == null) {
        problems.add("missing " + e.getKey());
      } else if (!Arrays.equals(t.shape(), e.getValue())) {
        problems.add(
            e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", config implies " + Arrays.toString(e.getValue()));
      } else {
        ordered.add(t);
      }
    }
    for (String name : bert.tensors().keySet()) {
      if (!expected.containsKey(name)) {
        problems.add("unexpected " + name);
      }
    }
    if (!problems.isEmpty()) {
      throw new IOException("ONNX import of " + onnx + " does not form a BERT checkpoint: " + String.join("; ", problems));
    }
    Safetensors.write(outDir.resolve("model.safetensors"), ordered, Map.of("format", "pt"));
    Files.copy(tokenizerJson, outDir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
    HfTokenizerFiles.write(tok, outDir, c.maxPositionEmbeddings());

    try (BertCheckpoint ck = BertCheckpoint.open(outDir)) {
      if (ck.config().numAttentionHeads() != c.numAttentionHeads() || ck.tensors().names().size() != ordered.size()) {
        throw new IOException("re-opened import in " + outDir + " differs from what was written");
      }
    }
    List<String> names = new ArrayList<>();
    for (Tensor t : ordered) {
      names.add(t.name());
    }
    return Collections.unmodifiableList(names);
  }

  /**
   * Reads the BERT weights of an ONNX graph under canonical HF names, in HF layout, and infers the configuration.
   * Integer initializers (e.g. the {@code position_ids} buffer) and float scalars (graph constants) are skipped.
   */
  public static OnnxBert read(Path onnx) throws IOException {
    OnnxGraph g = OnnxGraph.read(onnx);
    List<String> notes = new ArrayList<>();
    LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();

    for (TensorProto init : g.initializers.values()) {
      String raw = init.getName();
      long[] dims = OnnxGraph.dims(init);
      if (!OnnxGraph.isFloatType(init) || dims.length == 0 || OnnxGraph.numel(init) == 1) {
        skipped.add(raw);
        continue;
      }
      Optional<NodeProto> matmul = consumerUsingAsInput(g, raw, "MatMul", 1);
      Optional<NodeProto> gemm = consumerUsingAsInput(g, raw, "Gemm", 1);
      String hfName;
      Tensor tensor;
      if (matmul.isPresent()) {
        // MatMul(x, W) with W [in, out]: nn.Linear's weight is W^T [out, in]
        requireRank2(raw, dims, onnx);
        hfName = canonical(linearWeightName(g, matmul.get(), matmul.get().getOutput(0), raw, onnx));
        tensor = Tensor.ofFloats(hfName, new long[] {dims[1], dims[0]}, transpose(g.floats(init), dims[0], dims[1]));
      } else if (gemm.isPresent()) {
        requireRank2(raw, dims, onnx);
        boolean transB = OnnxGraph.attribute(gemm.get(), "transB").map(AttributeProto::getI).orElse(0L) != 0;
        String name = raw.startsWith(ANONYMOUS_PREFIX)
            ? linearWeightName(g, gemm.get(), null, raw, onnx)
            : raw;
        hfName = canonical(name);
        // Gemm(x, W, b, transB=1) computes x·W^T: W is already [out, in]; transB=0 means W is [in, out]
        tensor = transB
            ? Tensor.ofFloats(hfName, dims, g.floats(init))
            : Tensor.ofFloats(hfName, new long[] {dims[1], dims[0]}, transpose(g.floats(init), dims[0], dims[1]));
      } else if (raw.startsWith(ANONYMOUS_PREFIX)) {
        throw new IOException(
            "ONNX initializer " + raw + " " + Arrays.toString(dims) + " in " + onnx
                + " is anonymous and not the weight of a MatMul or Gemm; cannot tell which BERT parameter it is");
      } else {
        hfName = canonical(raw);
        tensor = Tensor.ofFloats(hfName, dims, g.floats(init));
      }
      String prev = origin.put(hfName, raw);
      if (prev != null) {
        throw new IOException(
            "ONNX initializers " + prev + " and " + raw + " in " + onnx + " both map to the HF weight " + hfName);
      }
      tensors.put(hfName, tensor);
    }
    if (!skipped.isEmpty()) {
      notes.add("skipped non-weight initializers (integer buffers, scalar constants): " + skipped);
    }
    return new OnnxBert(tensors, inferConfig(g, tensors, onnx, notes), Collections.unmodifiableList(notes));
  }

  private static String canonical(String rawName) {
    return BertWeightNames.canonical(rawName);
  }

  private static void requireRank2(String raw, long[] dims, Path onnx) throws IOException {
    if (dims.length != 2) {
      throw new IOException(
          "ONNX initializer " + raw + " in " + onnx + " is a linear weight but has shape " + Arrays.toString(dims)
              + ", expected rank 2");
    }
  }

  private static Optional<NodeProto> consumerUsingAsInput(OnnxGraph g, String value, String opType, int index) {
    for (NodeProto n : g.consumersOf(value)) {
      if (n.getOpType().equals(opType) && n.getInputCount() > index && n.getInput(index).equals(value)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /**
   * The HF name of a linear layer's weight: from the bias the layer adds (a following {@code Add}, or the Gemm's third
   * input), else from the node's scope name, else the initializer's own name if it has one.
   *
   * @param product the MatMul output whose consumers may add the bias; null for Gemm (bias is input 2)
   */
  private static String linearWeightName(OnnxGraph g, NodeProto node, String product, String raw, Path onnx)
      throws IOException {
    List<String> biasCandidates = new ArrayList<>();
    if (product == null) {
      if (node.getInputCount() > 2) {
        biasCandidates.add(node.getInput(2));
      }
    } else {
      for (NodeProto add : g.consumersOf(product)) {
        if (add.getOpType().equals("Add")) {
          for (String in : add.getInputList()) {
            if (!in.equals(product)) {
              biasCandidates.add(in);
            }
          }
        }
      }
    }
    for (String bias : biasCandidates) {
      Optional<TensorProto> t = g.constant(bias);
      if (t.isPresent() && t.get().getDimsCount() == 1 && bias.endsWith(".bias")) {
        return bias.substring(0, bias.length() - ".bias".length()) + ".weight";
      }
    }
    // Scope name from torch.onnx: "/encoder/layer.0/attention/self/query/MatMul"
    String scope = node.getName();
    if (scope.startsWith("/") && scope.lastIndexOf('/') > 0) {
      String path = scope.substring(1, scope.lastIndexOf('/')).replace('/', '.');
      return path + ".weight";
    }
    if (!raw.startsWith(ANONYMOUS_PREFIX)) {
      return raw;
    }
    throw new IOException(
        "cannot name the linear weight " + raw + " of node '" + scope + "' (" + node.getOpType() + ") in " + onnx
            + ": no bias initializer named *.bias is added to its output and the node has no scope name");
  }

  /** Row-major [rows, cols] → [cols, rows]. Returns new. */
  static float[] transpose(float[] a, long rows, long cols) {
    int r = Math.toIntExact(rows);
    int c = Math.toIntExact(cols);
    float[] t = new float[a.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        t[j * r + i] = a[i * c + j];
      }
    }
    return t;
  }

  private static InferredConfig inferConfig(
      OnnxGraph g, Map<String, Tensor> tensors, Path onnx, List<String> notes) throws IOException {
    long[] word = requireTensor(tensors, WORD_EMBEDDINGS, onnx).shape();
    long[] pos = requireTensor(tensors, POSITION_EMBEDDINGS, onnx).shape();
    long[] type = requireTensor(tensors, TOKEN_TYPE_EMBEDDINGS, onnx).shape();
    int vocab = Math.toIntExact(word[0]);
    int hidden = Math.toIntExact(word[1]);
    TreeSet<Integer> layers = new TreeSet<>();
    for (String name : tensors.keySet()) {
      Matcher m = LAYER_INDEX.matcher(name);
      if (m.find()) {
        layers.add(Integer.parseInt(m.group(1)));
      }
    }
    if (layers.isEmpty() || layers.first() != 0 || layers.last() != layers.size() - 1) {
      throw new IOException("ONNX model " + onnx + ": encoder layer indices " + layers + " are not 0..L-1");
    }
    String inter = "bert.encoder.layer.0.intermediate.dense.weight";
    int intermediate = Math.toIntExact(requireTensor(tensors, inter, onnx).shape()[0]);
    boolean pooler = tensors.containsKey(POOLER_WEIGHT);
    int numLabels = tensors.containsKey(CLASSIFIER_WEIGHT)
        ? Math.toIntExact(tensors.get(CLASSIFIER_WEIGHT).shape()[0])
        : 0;
    int heads = inferHeads(g, hidden, notes);
    double eps = inferLayerNormEps(g, notes);
    String act = inferActivation(g, notes);
    notes.add("dropout probabilities and initializer_range are not in an inference graph: HF BERT defaults used");
    return new InferredConfig(
        vocab, hidden, layers.size(), heads, intermediate, Math.toIntExact(pos[0]), Math.toIntExact(type[0]), eps, act,
        pooler, numLabels);
  }

  private static Tensor requireTensor(Map<String, Tensor> tensors, String name, Path onnx) throws IOException {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new IOException(
          "ONNX model " + onnx + " has no initializer for " + name + " (found: " + new TreeSet<>(tensors.keySet()) + ")");
    }
    return t;
  }

  /** Marks a shape entry computed at run time (e.g. batch or sequence length). */
  private static final long DYNAMIC = Long.MIN_VALUE;

  static int inferHeads(OnnxGraph g, int hidden, List<String> notes) throws IOException {
    // 1. Reshape(x, shape) with shape = [B, T, NH, HS] where NH·HS = hidden (splitting heads); HS may be -1.
    TreeMap<Integer, Integer> votes = new TreeMap<>();
    for (NodeProto r : g.nodes("Reshape")) {
      long[] shape = evalShape(g, r.getInput(1));
      if (shape == null || shape.length != 4) {
        continue;
      }
      long nh = shape[2];
      long hs = shape[3];
      if (nh > 0 && hs == -1 && hidden % nh == 0) {
        hs = hidden / nh;
      } else if (nh == -1 && hs > 0 && hidden % hs == 0) {
        nh = hidden / hs;
      }
      if (nh > 0 && hs > 0 && nh * hs == hidden) {
        votes.merge((int) nh, 1, Integer::sum);
      }
    }
    if (votes.size() == 1) {
      int nh = votes.firstKey();
      notes.add(
          "num_attention_heads = " + nh + " from " + votes.get(nh) + " attention Reshape node(s) splitting hidden "
              + hidden + " into [" + nh + ", " + hidden / nh + "]");
      return nh;
    }
    if (votes.size() > 1) {
      throw new IOException("ONNX model " + g.file + ": attention Reshape nodes disagree on the head count: " + votes);
    }
    // 2. scores / sqrt(HS) (Div) or scores · 1/sqrt(HS) (Mul) right after the Q·K^T MatMul.
    TreeMap<Integer, Integer> fromScale = new TreeMap<>();
    for (String op : List.of("Div", "Mul")) {
      for (NodeProto n : g.nodes(op)) {
        if (n.getInputCount() != 2) {
          continue;
        }
        Optional<NodeProto> prod = g.producerOf(n.getInput(0));
        if (prod.isEmpty() || !prod.get().getOpType().equals("MatMul")
            || g.constant(prod.get().getInput(1)).isPresent()) {
          continue;
        }
        Optional<Double> c = g.scalarFloat(n.getInput(1));
        if (c.isEmpty() || c.get() <= 0) {
          continue;
        }
        double hs = op.equals("Div") ? c.get() * c.get() : 1.0 / (c.get() * c.get());
        long rounded = Math.round(hs);
        if (rounded > 0 && Math.abs(hs - rounded) < SCALE_TOLERANCE * rounded && hidden % rounded == 0) {
          fromScale.merge((int) (hidden / rounded), 1, Integer::sum);
        }
      }
    }
    if (fromScale.size() == 1) {
      int nh = fromScale.firstKey();
      notes.add("num_attention_heads = " + nh + " from the attention score scaling constant sqrt(head_dim = " + hidden / nh + ")");
      return nh;
    }
    // 3. fused attention operators (onnxruntime contrib ops) carry num_heads.
    for (NodeProto n : g.graph.getNodeList()) {
      Optional<AttributeProto> a = OnnxGraph.attribute(n, "num_heads");
      if (a.isPresent() && a.get().getI() > 0) {
        notes.add("num_attention_heads = " + a.get().getI() + " from the num_heads attribute of " + n.getOpType() + " node " + n.getName());
        return Math.toIntExact(a.get().getI());
      }
    }
    if (hidden % DEFAULT_HEAD_DIM != 0) {
      throw new IOException(
          "ONNX model " + g.file + ": cannot determine num_attention_heads from the graph, and hidden " + hidden
              + " is not a multiple of the usual head size " + DEFAULT_HEAD_DIM);
    }
    notes.add("num_attention_heads = " + hidden / DEFAULT_HEAD_DIM + " ASSUMED (hidden / 64): not found in the graph");
    return hidden / DEFAULT_HEAD_DIM;
  }

  /**
   * Evaluates a Reshape's shape input as far as it is constant: a constant tensor, or a Concat of constants and
   * run-time scalars (Unsqueeze of a Gather of Shape), with {@link #DYNAMIC} for the latter. Null if not
   * recognisable.
   */
  private static long[] evalShape(OnnxGraph g, String value) throws IOException {
    Optional<TensorProto> c = g.constant(value);
    if (c.isPresent()) {
      TensorProto t = c.get();
      return t.getDataType() == OnnxGraph.INT64 || t.getDataType() == OnnxGraph.INT32 ? g.longs(t) : null;
    }
    Optional<NodeProto> p = g.producerOf(value);
    if (p.isEmpty() || !p.get().getOpType().equals("Concat")) {
      return null;
    }
    List<Long> out = new ArrayList<>();
    for (String in : p.get().getInputList()) {
      Optional<TensorProto> ct = g.constant(in);
      if (ct.isPresent()) {
        if (ct.get().getDataType() != OnnxGraph.INT64 && ct.get().getDataType() != OnnxGraph.INT32) {
          return null;
        }
        for (long v : g.longs(ct.get())) {
          out.add(v);
        }
      } else if (g.producerOf(in).map(n -> n.getOpType().equals("Unsqueeze")).orElse(false)) {
        out.add(DYNAMIC);
      } else {
        return null;
      }
    }
    long[] r = new long[out.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = out.get(i);
    }
    return r;
  }

  static double inferLayerNormEps(OnnxGraph g, List<String> notes) throws IOException {
    TreeMap<Double, Integer> votes = new TreeMap<>();
    String how = null;
    for (String op : List.of("LayerNormalization", "SkipLayerNormalization")) {
      for (NodeProto n : g.nodes(op)) {
        double eps = OnnxGraph.attribute(n, "epsilon").map(a -> (double) a.getF()).orElse(ONNX_LAYER_NORM_DEFAULT_EPS);
        votes.merge(asFloat32Decimal(eps), 1, Integer::sum);
        how = "the epsilon attribute of " + op + " nodes";
      }
    }
    if (votes.isEmpty()) {
      // decomposed: (x - mean) / Sqrt(ReduceMean((x - mean)^2) + eps)
      for (NodeProto sqrt : g.nodes("Sqrt")) {
        Optional<NodeProto> add = g.producerOf(sqrt.getInput(0));
        if (add.isEmpty() || !add.get().getOpType().equals("Add")) {
          continue;
        }
        Optional<NodeProto> mean = Optional.empty();
        Double eps = null;
        for (String in : add.get().getInputList()) {
          Optional<Double> c = g.scalarFloat(in);
          if (c.isPresent()) {
            eps = c.get();
          } else {
            mean = g.producerOf(in);
          }
        }
        if (eps != null && mean.isPresent() && mean.get().getOpType().equals("ReduceMean")) {
          votes.merge(asFloat32Decimal(eps), 1, Integer::sum);
          how = "the constant added to the variance before Sqrt in the decomposed LayerNorms";
        }
      }
    }
    if (votes.isEmpty()) {
      notes.add("layer_norm_eps = " + DEFAULT_LAYER_NORM_EPS + " ASSUMED (BERT default): no LayerNorm pattern found");
      return DEFAULT_LAYER_NORM_EPS;
    }
    if (votes.size() > 1) {
      throw new IOException("ONNX model " + g.file + ": LayerNorms use different epsilons " + votes + "; BERT has one");
    }
    double eps = votes.firstKey();
    notes.add("layer_norm_eps = " + eps + " from " + how + " (" + votes.get(eps) + " LayerNorms)");
    return eps;
  }

  /** The shortest decimal that round-trips the float32 constant (1e-12 stored as float32 → 1.0E-12). */
  private static double asFloat32Decimal(double v) {
    return Double.parseDouble(Float.toString((float) v));
  }

  static String inferActivation(OnnxGraph g, List<String> notes) {
    if (!g.nodes("Erf").isEmpty()) {
      notes.add("hidden_act = gelu (exact erf form) from " + g.nodes("Erf").size() + " Erf nodes");
      return "gelu";
    }
    for (NodeProto n : g.nodes("Gelu")) {
      String approx = OnnxGraph.attribute(n, "approximate").map(a -> a.getS().toStringUtf8()).orElse("none");
      String act = approx.equals("tanh") ? "gelu_new" : "gelu";
      notes.add("hidden_act = " + act + " from a Gelu node (approximate=" + approx + ")");
      return act;
    }
    if (!g.nodes("FastGelu").isEmpty()) {
      notes.add("hidden_act = gelu_new from FastGelu nodes (tanh approximation)");
      return "gelu_new";
    }
    if (!g.nodes("BiasGelu").isEmpty()) {
      notes.add("hidden_act = gelu from BiasGelu nodes");
      return "gelu";
    }
    notes.add("hidden_act = gelu ASSUMED: no Erf/Gelu node found in the graph");
    return "gelu";
  }

  private static ObjectNode configJson(InferredConfig c, int padTokenId, Path onnx, List<String> notes) {
    ObjectNode cfg = JSON.createObjectNode();
    ArrayNode arch = cfg.putArray("architectures");
    arch.add(c.numLabels() > 0 ? "BertForSequenceClassification" : "BertModel");
    cfg.put("model_type", "bert");
    cfg.put("attention_probs_dropout_prob", DEFAULT_DROPOUT);
    cfg.put("hidden_act", c.hiddenAct());
    cfg.put("hidden_dropout_prob", DEFAULT_DROPOUT);
    cfg.put("hidden_size", c.hiddenSize());
    cfg.put("initializer_range", DEFAULT_INITIALIZER_RANGE);
    cfg.put("intermediate_size", c.intermediateSize());
    cfg.put("layer_norm_eps", c.layerNormEps());
    cfg.put("max_position_embeddings", c.maxPositionEmbeddings());
    cfg.put("num_attention_heads", c.numAttentionHeads());
    cfg.put("num_hidden_layers", c.numHiddenLayers());
    cfg.put("pad_token_id", padTokenId);
    cfg.put("position_embedding_type", "absolute");
    cfg.put("type_vocab_size", c.typeVocabSize());
    cfg.put("vocab_size", c.vocabSize());
    if (c.numLabels() > 0) {
      // The graph has a classifier but no label names.
      ObjectNode id2label = cfg.putObject("id2label");
      ObjectNode label2id = cfg.putObject("label2id");
      for (int i = 0; i < c.numLabels(); i++) {
        id2label.put(Integer.toString(i), "LABEL_" + i);
        label2id.put("LABEL_" + i, i);
      }
    }
    ObjectNode provenance = cfg.putObject("finbert4j_onnx_import");
    provenance.put("source", onnx.getFileName().toString());
    ArrayNode n = provenance.putArray("notes");
    notes.forEach(n::add);
    return cfg;
  }

  /** Writes bytes to a temporary sibling and renames it over {@code target}. */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
