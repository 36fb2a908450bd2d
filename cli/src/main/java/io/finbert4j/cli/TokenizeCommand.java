package io.finbert4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code finbert tokenize}: streams standard input through a model directory's BERT tokenizer, one JSON
 * result per input line, in order, without padding.
 */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Tokenize standard input with a model directory's BERT tokenizer",
      "(vocab.txt + tokenizer_config.json, or tokenizer.json).",
      "Input (UTF-8, lines end at \\n or \\r\\n): one JSON object per line,",
      "  {\"text\": \"...\", \"text_pair\": \"...\"} (text_pair optional),",
      "  or plain text lines with --plain.",
      "Output: one JSON object per input line, in order, no padding:",
      "  {\"input_ids\": [...], \"token_type_ids\": [...], \"tokens\": [...],",
      "   \"offsets\": [[start, end], ...], \"truncated\": bool}",
      "Offsets are code point indices into the line's text (as Python's str and",
      "Hugging Face's offset_mapping count), [0, 0] for [CLS] and [SEP]; in a pair,",
      "into the text the token came from (token_type_ids tells which).",
      "Non-ASCII characters are written as JSON \\u escapes: the output is the same",
      "ASCII (hence UTF-8) bytes whatever the platform's default charset."
    },
    footer = {
      "",
      "Examples:",
      "  echo '{\"text\": \"Shares of ACME fell 7%%.\"}' | \\",
      "    finbert tokenize --model models/finbert",
      "  echo '{\"text\": \"Q3 profit\", \"text_pair\": \"beat estimates\"}' | \\",
      "    finbert tokenize --model models/finbert",
      "  finbert tokenize --model models/finbert --plain --max-length 128 \\",
      "    < sentences.txt > tokens.jsonl"
    })
public final class TokenizeCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory with vocab.txt (+ tokenizer_config.json) or tokenizer.json.")
  Path model;

  @Option(names = "--max-length", paramLabel = "N",
      description = "Truncate to N tokens, [CLS]/[SEP] included (pairs: longest first). "
          + "Default: the tokenizer's model_max_length (absent: no truncation).")
  Integer maxLength;

  @Option(names = "--plain", description = "Read plain text lines instead of JSON objects.")
  boolean plain;

  /** Standard input; tests replace it. */
  InputStream in = System.in;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonFactory OUT_JSON =
      JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  @Override
  public Integer call() throws IOException {
    if (maxLength != null && maxLength <= 0) {
      throw new CliErrors.UserException("--max-length must be positive, got " + maxLength);
    }
    BertTokenizer tokenizer = BertTokenizer.fromDirectory(model);
    EncodeOptions opts = maxLength == null ? EncodeOptions.DEFAULT : EncodeOptions.truncateTo(maxLength);
    PrintWriter out = spec.commandLine().getOut();
    Utf8LineReader reader = new Utf8LineReader(in);
    JsonGenerator gen = OUT_JSON.createGenerator(out);
    gen.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    long lineNo = 0;
    try {
      String line;
      while ((line = reader.readLine(lineNo + 1)) != null) {
        lineNo++;
        String text;
        String pair = null;
        if (plain) {
          text = line;
        } else {
          JsonNode node = parse(line, lineNo);
          text = node.get("text").asText();
          JsonNode p = node.get("text_pair");
          pair = p == null || p.isNull() ? null : p.asText();
        }
        Encoding e;
        try {
          e = tokenizer.encode(text, pair, opts);
        } catch (IllegalArgumentException ex) {
          throw new CliErrors.UserException("line " + lineNo + ": " + ex.getMessage(), ex);
        }
        write(gen, e, text, pair);
        gen.writeRaw('\n');
        gen.flush();
      }
    } finally {
      gen.flush();
    }
    return 0;
  }

  /**
   * Reads lines ending in \n or \r\n as bytes and decodes each strictly as UTF-8, so that an invalid
   * byte sequence is reported with its own line number (a buffered char reader would decode ahead).
   */
  static final class Utf8LineReader {
    private static final int BUFFER = 1 << 16;
    private final InputStream in;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private byte[] line = new byte[256];
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);

    Utf8LineReader(InputStream in) {
      this.in = in;
    }

    /** The next line without its terminator, or null at the end of input. */
    String readLine(long lineNo) throws IOException {
      int n = 0;
      boolean any = false;
      while (true) {
        if (pos == limit) {
          limit = in.read(buf, 0, buf.length);
          pos = 0;
          if (limit <= 0) {
            limit = 0;
            if (!any) {
              return null;
            }
            break;
          }
        }
        any = true;
        byte b = buf[pos++];
        if (b == '\n') {
          break;
        }
        if (n == line.length) {
          line = Arrays.copyOf(line, n * 2);
        }
        line[n++] = b;
      }
      if (n > 0 && line[n - 1] == '\r') {
        n--;
      }
      try {
        return decoder.decode(ByteBuffer.wrap(line, 0, n)).toString();
      } catch (CharacterCodingException e) {
        throw new CliErrors.UserException("line " + lineNo + ": input is not valid UTF-8", e);
      }
    }
  }

  private static JsonNode parse(String line, long lineNo) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage().split("\n", 2)[0];
      throw new CliErrors.UserException("line " + lineNo + ": malformed JSON (" + why
          + "); expected {\"text\": \"...\"} or use --plain", e);
    }
    if (node == null || !node.isObject()) {
      throw new CliErrors.UserException("line " + lineNo + ": expected a JSON object {\"text\": \"...\"}, got "
          + (node == null || node.isMissingNode() ? "an empty line" : node.getNodeType().toString().toLowerCase()));
    }
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual()) {
      throw new CliErrors.UserException("line " + lineNo + ": \"text\" must be a string"
          + (text == null ? " (missing)" : ", got " + text.getNodeType().toString().toLowerCase()));
    }
    JsonNode pair = node.get("text_pair");
    if (pair != null && !pair.isNull() && !pair.isTextual()) {
      throw new CliErrors.UserException("line " + lineNo + ": \"text_pair\" must be a string or null, got "
          + pair.getNodeType().toString().toLowerCase());
    }
    return node;
  }

  private static void write(JsonGenerator gen, Encoding e, String text, String pair) throws IOException {
    int n = e.length();
    gen.writeStartObject();
    gen.writeArrayFieldStart("input_ids");
    for (int i = 0; i < n; i++) {
      gen.writeNumber(e.inputIds()[i]);
    }
    gen.writeEndArray();
    gen.writeArrayFieldStart("token_type_ids");
    for (int i = 0; i < n; i++) {
      gen.writeNumber(e.tokenTypeIds()[i]);
    }
    gen.writeEndArray();
    gen.writeArrayFieldStart("tokens");
    for (int i = 0; i < n; i++) {
      gen.writeString(e.tokens()[i]);
    }
    gen.writeEndArray();
    gen.writeArrayFieldStart("offsets");
    boolean textBmp = text.codePointCount(0, text.length()) == text.length();
    boolean pairBmp = pair == null || pair.codePointCount(0, pair.length()) == pair.length();
    for (int i = 0; i < n; i++) {
      boolean inPair = e.tokenTypeIds()[i] == 1 && pair != null;
      String src = inPair ? pair : text;
      int[] o = e.offsets()[i];
      gen.writeStartArray();
      // UTF-16 indices → code point indices (the same numbers when the text has no surrogate pairs)
      if (inPair ? pairBmp : textBmp) {
        gen.writeNumber(o[0]);
        gen.writeNumber(o[1]);
      } else {
        gen.writeNumber(src.codePointCount(0, o[0]));
        gen.writeNumber(src.codePointCount(0, o[1]));
      }
      gen.writeEndArray();
    }
    gen.writeEndArray();
    gen.writeBooleanField("truncated", e.truncated());
    gen.writeEndObject();
  }
}
