package io.finbert4j.benchmarks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Tokens per second, single thread, of our {@link BertTokenizer} and of Hugging Face's Rust tokenizer
 * (tokenizers 0.20.3 through DJL's JNI bridge), side by side in one run, both loading the same
 * bert-base-uncased {@code tokenizer.json}, on {@value #N} financial sentences. One benchmark operation
 * encodes every sentence once ({@code [CLS] ... [SEP]}, ids, type ids, mask, tokens and offsets, no
 * truncation or padding); the {@code tokens} counter reports encoded tokens per second.
 *
 * <p>Run: {@code RAYON_NUM_THREADS=1 java -jar benchmarks/target/benchmarks.jar TokenizerBenchmark -f 1 -wi 2 -i 3}
 * (the variable keeps the Rust side of {@code rustDjlBatch} on one thread).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class TokenizerBenchmark {
  static final int N = 50;

  /** Hand-written financial sentences (not from any data set): numbers, tickers, currencies, punctuation. */
  static final String[] SENTENCES = {
    "Operating profit rose to EUR 13.1 million from EUR 8.7 million in the corresponding period of 2023.",
    "Shares of Acme Corp. fell 7.4% in pre-market trading after the company cut its full-year guidance.",
    "Net sales decreased by 3% year-on-year, mainly due to weaker demand in the Nordic markets.",
    "The board proposes a dividend of USD 0.45 per share, up from USD 0.40 a year earlier.",
    "Moody's downgraded the issuer's senior unsecured rating to Baa3 with a negative outlook.",
    "Q3 EBITDA margin expanded 180 bps to 24.6%, beating the consensus estimate of 23.1%.",
    "The central bank kept its benchmark rate unchanged at 5.25%, citing persistent core inflation.",
    "Revenue for the quarter came in at $4.2bn versus analysts' expectations of $4.05bn.",
    "The company announced a share buyback programme of up to 10 million shares.",
    "Gross margin narrowed as raw-material costs climbed and pricing power weakened.",
    "Free cash flow turned negative (-$120m) because of higher working-capital needs.",
    "The merger, valued at roughly EUR 2.3 billion, is expected to close in the second half of 2025.",
    "Management reiterated its medium-term target of 8-10% annual organic growth.",
    "Impairment charges of SEK 450 million weighed on the bottom line in the fourth quarter.",
    "The stock has gained 35% year-to-date, outperforming the S&P 500 by nearly 20 points.",
    "Order intake grew 12% to a record high, driven by strong demand from utilities.",
    "Analysts at the brokerage lowered their price target to 42.50 from 48.00 euros.",
    "The group's net debt to EBITDA ratio improved to 1.8x at the end of June.",
    "Inflation eased to 3.2% in October, the lowest reading since early 2021.",
    "Bond yields spiked after the Treasury announced larger-than-expected auction sizes.",
    "The retailer warned that holiday-season sales would likely miss its earlier forecast.",
    "Earnings per share were 1.27, compared with 0.98 in the same quarter last year.",
    "The firm plans to cut about 1,200 jobs as part of a restructuring programme.",
    "Crude oil futures slipped 2.1% to $78.30 a barrel amid concerns about Chinese demand.",
    "The IPO was priced at the top of the indicated range and was oversubscribed several times.",
    "Operating cash flow amounted to EUR 56.9 mn, compared to EUR 61.2 mn a year ago.",
    "The company expects its net sales in 2025 to remain at the 2024 level.",
    "Credit card delinquencies rose for the sixth consecutive quarter, the bank said on Tuesday.",
    "The euro weakened against the dollar after disappointing PMI data from Germany.",
    "Its subsidiary signed a five-year supply agreement worth approximately USD 30 million.",
    "The acquisition will be financed with a combination of cash on hand and new debt.",
    "Comparable store sales declined 4.5%, while e-commerce revenue jumped 22%.",
    "The regulator fined the lender $25 million over deficiencies in its anti-money-laundering controls.",
    "Profit before taxes was EUR 4.0 million, down from EUR 5.6 million.",
    "Tesla's deliveries in Q2 beat estimates, sending the shares up 6% in after-hours trading.",
    "The company's guidance implies a sequential slowdown in revenue growth.",
    "Copper prices hit a two-year high on supply disruptions at major mines in Chile and Peru.",
    "Goodwill write-downs reduced equity by roughly NOK 1.1 billion.",
    "The insurer's combined ratio deteriorated to 97.8% due to elevated catastrophe losses.",
    "Dividend payout will be 60% of net income, in line with the company's policy.",
    "Hedge funds increased their net short positions in the sector last week.",
    "The semiconductor maker forecast first-quarter revenue of $1.9bn-$2.1bn.",
    "Liquidity remains strong, with EUR 750 million in undrawn credit facilities.",
    "The REIT's occupancy rate fell to 91.3% as tenants downsized office space.",
    "Sales volumes were flat, but favourable currency effects lifted reported revenue by 2%.",
    "The company did not provide a reason for the CFO's unexpected resignation.",
    "Non-recurring items totalled EUR 3.2 million and were booked in other operating expenses.",
    "The yield curve inverted further as two-year notes rallied on recession fears.",
    "Its market capitalisation surpassed $1 trillion for the first time on Friday.",
    "The cooperative's members approved the plan, with 87% of votes cast in favour.",
  };

  static final java.util.List<String> SENTENCE_LIST = java.util.List.of(SENTENCES);

  private Path dir;
  private BertTokenizer ours;
  private HuggingFaceTokenizer rust;

  /** Encoded tokens per second (JMH divides the count by the iteration time). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Tokens {
    public long tokens;

    @Setup(Level.Iteration)
    public void reset() {
      tokens = 0;
    }
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    if (SENTENCES.length != N) {
      throw new IllegalStateException("expected " + N + " sentences, found " + SENTENCES.length);
    }
    dir = Files.createTempDirectory("tokenizer-bench");
    Path json = dir.resolve("tokenizer.json");
    try (InputStream in = TokenizerBenchmark.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      if (in == null) {
        throw new IllegalStateException("all-minilm-l6-v2-tokenizer.json not on the class path");
      }
      Files.copy(in, json, StandardCopyOption.REPLACE_EXISTING);
    }
    ours = BertTokenizer.fromTokenizerJson(json);
    rust = HuggingFaceTokenizer.builder()
        .optTokenizerPath(json)
        .optAddSpecialTokens(true)
        .optTruncation(false)
        .optPadding(false)
        .build();
    // Correctness control: both must produce the same ids on the benchmark corpus.
    for (String s : SENTENCES) {
      int[] a = ours.encode(s, null, EncodeOptions.noTruncation()).inputIds();
      long[] b = rust.encode(s).getIds();
      if (!Arrays.equals(a, Arrays.stream(b).mapToInt(Math::toIntExact).toArray())) {
        throw new IllegalStateException("tokenizers disagree on: " + s);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    rust.close();
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }

  /** Our tokenizer: full {@link Encoding} (ids, types, mask, token strings, offsets) per sentence. */
  @Benchmark
  public void finbert4j(Tokens counter, Blackhole bh) {
    for (String s : SENTENCES) {
      Encoding e = ours.encode(s, null, EncodeOptions.noTruncation());
      counter.tokens += e.length();
      bh.consume(e);
    }
  }

  /** Hugging Face's Rust tokenizer through DJL: its Encoding (ids, types, mask, tokens, char spans). */
  @Benchmark
  public void rustDjl(Tokens counter, Blackhole bh) {
    for (String s : SENTENCES) {
      ai.djl.huggingface.tokenizers.Encoding e = rust.encode(s);
      counter.tokens += e.getIds().length;
      bh.consume(e);
    }
  }

  /** Our tokenizer, the sentences as one {@code encodeBatch} call (no padding). */
  @Benchmark
  public void finbert4jBatch(Tokens counter, Blackhole bh) {
    for (Encoding e : ours.encodeBatch(SENTENCE_LIST, null, EncodeOptions.noTruncation())) {
      counter.tokens += e.length();
      bh.consume(e);
    }
  }

  /**
   * Rust through DJL, the sentences as one {@code batchEncode} call: one JNI round trip for the encoding
   * itself. The Rust side parallelises batches with rayon: run with {@code RAYON_NUM_THREADS=1} in the
   * environment to keep it single-threaded.
   */
  @Benchmark
  public void rustDjlBatch(Tokens counter, Blackhole bh) {
    for (ai.djl.huggingface.tokenizers.Encoding e : rust.batchEncode(SENTENCES)) {
      counter.tokens += e.getIds().length;
      bh.consume(e);
    }
  }

  /**
   * The Rust tokenizer with the least JNI marshalling DJL allows: encode, fetch only the ids, free the
   * native encoding (no token strings, spans or masks cross into Java). Closest to the Rust core's speed.
   */
  @Benchmark
  public void rustIdsOnly(Tokens counter, Blackhole bh) {
    long handle = rust.getHandle();
    for (String s : SENTENCES) {
      long encoding = TokenizersLibrary.LIB.encode(handle, s, true);
      long[] ids = TokenizersLibrary.LIB.getTokenIds(encoding);
      TokenizersLibrary.LIB.deleteEncoding(encoding);
      counter.tokens += ids.length;
      bh.consume(ids);
    }
  }

  /** Our tokenizer, word pieces only (no special tokens, no Encoding arrays). */
  @Benchmark
  public void finbert4jTokenizeOnly(Tokens counter, Blackhole bh) {
    for (String s : SENTENCES) {
      var pieces = ours.tokenize(s);
      counter.tokens += pieces.size();
      bh.consume(pieces);
    }
  }
}
