package io.finbert4j.weights;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The one place where checkpoint tensor names are normalised to Hugging Face's canonical
 * {@code BertForSequenceClassification} names, and where the expected names and shapes for a config are listed.
 *
 * <p>Normalisation ({@link #canonical}): names without the {@code bert.} prefix get it (a bare {@code BertModel}
 * checkpoint saves {@code embeddings.word_embeddings.weight}), except the head's {@code classifier.*} and the
 * pretraining heads' {@code cls.*}, which HF keeps at the top level; TF-era {@code LayerNorm.gamma}/{@code .beta}
 * become {@code LayerNorm.weight}/{@code .bias} (also {@code embeddings.LayerNorm}).
 *
 * <p>Ignore list ({@link #isIgnored}), checked after normalisation: the {@code bert.embeddings.position_ids} and
 * {@code bert.embeddings.token_type_ids} buffers (constants {@code arange(max_positions)} / zeros, not parameters),
 * and the pretraining heads {@code cls.predictions.*} and {@code cls.seq_relationship.*} of a
 * {@code BertForPreTraining} checkpoint such as {@code bert-base-uncased}, which a sequence classifier does not use
 * (HF drops them the same way). Everything else that is not expected is an error.
 */
public final class BertWeightNames {
  public static final String BERT_PREFIX = "bert.";
  public static final String CLASSIFIER_PREFIX = "classifier.";
  public static final String POOLER_PREFIX = "bert.pooler.";
  /** Buffers that are not parameters, dropped when reading. */
  public static final Set<String> IGNORED_NAMES =
      Set.of("bert.embeddings.position_ids", "bert.embeddings.token_type_ids");
  /** Prefixes of the pretraining heads, dropped when reading. */
  public static final List<String> IGNORED_PREFIXES = List.of("cls.predictions.", "cls.seq_relationship.");

  private static final String LAYER_NORM = "LayerNorm";

  private BertWeightNames() {}

  /** The canonical HF name of a raw checkpoint name (see the class comment for the rules). */
  public static String canonical(String rawName) {
    String n = rawName;
    if (!n.startsWith(BERT_PREFIX) && !n.startsWith(CLASSIFIER_PREFIX) && !n.startsWith("cls.")) {
      n = BERT_PREFIX + n;
    }
    if (n.endsWith("." + LAYER_NORM + ".gamma")) {
      n = n.substring(0, n.length() - "gamma".length()) + "weight";
    } else if (n.endsWith("." + LAYER_NORM + ".beta")) {
      n = n.substring(0, n.length() - "beta".length()) + "bias";
    }
    return n;
  }

  /** Whether a canonical name is on the documented ignore list. */
  public static boolean isIgnored(String canonicalName) {
    if (IGNORED_NAMES.contains(canonicalName)) {
      return true;
    }
    for (String p : IGNORED_PREFIXES) {
      if (canonicalName.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every parameter of a BERT model with that config, in HF's {@code state_dict} order, with its shape
   * ({@code nn.Linear} weights are {@code [out_features, in_features]}).
   *
   * @param pooler include {@code bert.pooler.dense}
   * @param classifier include {@code classifier} ({@code [num_labels, hidden]})
   */
  public static LinkedHashMap<String, long[]> expectedShapes(BertConfig cfg, boolean pooler, boolean classifier) {
    long h = cfg.hiddenSize();
    long inter = cfg.intermediateSize();
    LinkedHashMap<String, long[]> m = new LinkedHashMap<>();
    String e = "bert.embeddings.";
    m.put(e + "word_embeddings.weight", new long[] {cfg.vocabSize(), h});
    m.put(e + "position_embeddings.weight", new long[] {cfg.maxPositionEmbeddings(), h});
    m.put(e + "token_type_embeddings.weight", new long[] {cfg.typeVocabSize(), h});
    m.put(e + "LayerNorm.weight", new long[] {h});
    m.put(e + "LayerNorm.bias", new long[] {h});
    for (int i = 0; i < cfg.numHiddenLayers(); i++) {
      String l = layerPrefix(i);
      for (String qkv : new String[] {"query", "key", "value"}) {
        m.put(l + "attention.self." + qkv + ".weight", new long[] {h, h});
        m.put(l + "attention.self." + qkv + ".bias", new long[] {h});
      }
      m.put(l + "attention.output.dense.weight", new long[] {h, h});
      m.put(l + "attention.output.dense.bias", new long[] {h});
      m.put(l + "attention.output.LayerNorm.weight", new long[] {h});
      m.put(l + "attention.output.LayerNorm.bias", new long[] {h});
      m.put(l + "intermediate.dense.weight", new long[] {inter, h});
      m.put(l + "intermediate.dense.bias", new long[] {inter});
      m.put(l + "output.dense.weight", new long[] {h, inter});
      m.put(l + "output.dense.bias", new long[] {h});
      m.put(l + "output.LayerNorm.weight", new long[] {h});
      m.put(l + "output.LayerNorm.bias", new long[] {h});
    }
    if (pooler) {
      m.put(POOLER_PREFIX + "dense.weight", new long[] {h, h});
      m.put(POOLER_PREFIX + "dense.bias", new long[] {h});
    }
    if (classifier) {
      m.put(CLASSIFIER_PREFIX + "weight", new long[] {cfg.numLabels(), h});
      m.put(CLASSIFIER_PREFIX + "bias", new long[] {cfg.numLabels()});
    }
    return m;
  }

  /** {@code bert.encoder.layer.<i>.} */
  public static String layerPrefix(int layer) {
    return "bert.encoder.layer." + layer + ".";
  }
}
