package io.finbert4j.tests.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic (fixed-seed) corpus of strings that stress a BERT tokenizer: many scripts, accents as
 * precomposed letters and as combining marks (also out of canonical order), CJK (BMP, supplementary,
 * compatibility ideographs, the Extension E boundary), Hangul, Cyrillic, Greek (final sigma), Arabic,
 * Hebrew, Devanagari, Thai, emoji (ZWJ sequences, skin tones, flags), control and zero-width characters,
 * full-width forms, NBSP and the other Unicode spaces, currency and math symbols, ligatures and case
 * oddities (ﬁ, İ, ẞ, ı), 99/100/101+ character words, empty and whitespace-only strings, literal special
 * tokens, unpaired surrogates and random code points from every plane.
 */
final class AdversarialCorpus {
  static final long SEED = 20240917L;

  private static final String[] WORDS = {
    "the", "The", "COMPANY", "Company's", "net", "sales", "increased", "by", "12", "%", "EUR", "1,150.3",
    "million", "profit", "fell", "to", "35.4", "mn", "Q3", "y/y", "don't", "it's", "we're", "I'm", "shares",
    "tumble", "7%!", "Tesla", "($TSLA)", "beats", "—", "guidance", "non-recurring", "unconsolidated",
    "Unbelievably,", "restructuring", "AAPL", "NASDAQ:AAPL", "e-mail", "U.S.", "3.14159", "1e-5", "#hashtag",
    "@user", "https://example.com/a?b=c&d=e", "C++", "naïve", "coöperate", "résumé", "Société", "Générale",
    "Müller", "Straße", "façade", "Ångström", "smörgåsbord", "jalapeño", "São", "Paulo", "Øresund", "Œuvre",
    "Æther", "İstanbul", "ıi", "ẞ", "ﬁnance", "ﬂow", "ǅ", "Ǆ", "ΣΑΣ", "ΌΣΟΣ", "οδός", "Москва", "РУБЛЬ",
    "ёлка", "Київ", "مرحبا", "بالعالم", "שָׁלוֹם", "नमस्ते", "हिन्दी", "สวัสดี", "ภาษาไทย", "日本語", "東京証券取引所",
    "中华人民共和国", "株式会社", "한국어", "삼성전자", "ㄱㄴㄷ", "Ｆｕｌｌｗｉｄｔｈ", "１２３", "！？", "＄", "€100", "£5",
    "¥1000", "₹", "₿", "¢", "∑", "√2", "∞", "≤", "≥", "±", "×", "÷", "½", "²", "³", "µ", "Ω", "Å", "K", "ℌ",
    "℮", "№", "™", "®", "©", "…", "‘quoted’", "“double”", "«guillemets»", "„low‟", "–", "‐", "⁉", "〜", "・",
    "〈", "》", "『", "【", "】", "¿Qué?", "¡Olé!", "[SEP]", "[CLS]", "[MASK]", "[PAD]", "[UNK]", "[sep]", "[SEP",
    "SEP]", "[[SEP]]", "x[SEP]y", "[CLS][SEP]", "##ing", "##", "#", "...", "--", "''", "``", "a.b.c", "3:45pm",
    "24/7", "50/50", "P/E", "EBITDA", "YoY", "bps", "10-K", "S&P", "500", "Dow", "Jones", "FTSE", "DAX", "€",
  };

  private static final String[] SPECIALS = {
    "\u0000", "\u0001", "\u0007", "\b", "\u000B", "\f", "\u000E", "\u001B", "\u001F", "\u007F", "\u0080",
    "\u0085", "\u009F", "\t", "\n", "\r", "\r\n", "\u00A0", "\u1680", "\u2000", "\u2002", "\u2003", "\u2007",
    "\u2009", "\u200A", "\u2028", "\u2029", "\u202F", "\u205F", "\u3000", "\u200B", "\u200C", "\u200D",
    "\u200E", "\u200F", "\u2060", "\uFEFF", "\u00AD", "\u061C", "\u180E", "\uFFFD", "\uFFFE", "\uFFFF",
    "\uE000", "\uF8FF", "\u0301", "\u0300", "\u0308", "\u0327", "\u0316", "\u034F", "\u0345", "\u20DD",
    "\u0488", "\u0903", "\u093C", "\u0E31", "\u3099", "\u309A", "\uFE0F", "\uFE0E", "\uD800", "\uDBFF",
    "\uDC00", "\uDFFF", "\uD83D", "\uDE00",
  };

  private static final String[] EMOJI = {
    "😀", "😂", "🤣", "🥰", "🥱", "🚀", "📈", "📉", "💰", "💵", "🏦", "👍", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸", "🇩🇪", "❤️",
    "✅", "⚠️", "1️⃣", "🫠", "🪙", "🧾",
  };

  private static final int[][] BLOCKS = {
    {0x0041, 0x007A}, {0x00C0, 0x024F}, {0x0250, 0x02FF}, {0x0300, 0x036F}, {0x0370, 0x03FF},
    {0x0400, 0x052F}, {0x0530, 0x058F}, {0x0590, 0x05FF}, {0x0600, 0x06FF}, {0x0700, 0x08FF},
    {0x0900, 0x0DFF}, {0x0E00, 0x0EFF}, {0x0F00, 0x0FFF}, {0x1000, 0x10FF}, {0x1100, 0x11FF},
    {0x1200, 0x1DFF}, {0x1E00, 0x1FFF}, {0x2000, 0x206F}, {0x2070, 0x20CF}, {0x20D0, 0x20FF},
    {0x2100, 0x23FF}, {0x2400, 0x2BFF}, {0x2C00, 0x2E7F}, {0x2E80, 0x2FDF}, {0x3000, 0x303F},
    {0x3040, 0x30FF}, {0x3100, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xABFF},
    {0xAC00, 0xD7A3}, {0xD7B0, 0xD7FF}, {0xE000, 0xF8FF}, {0xF900, 0xFAFF}, {0xFB00, 0xFB4F},
    {0xFB50, 0xFDFF}, {0xFE00, 0xFE6F}, {0xFE70, 0xFEFF}, {0xFF00, 0xFFEF}, {0xFFF0, 0xFFFF},
    {0x10000, 0x1FFFF}, {0x1F300, 0x1FAFF}, {0x20000, 0x2A6DF}, {0x2B700, 0x2B93F}, {0x2CEA0, 0x2CEBF},
    {0x2F800, 0x2FA1F}, {0x30000, 0x3134F}, {0xE0000, 0xE01EF}, {0xF0000, 0x10FFFF},
  };

  private static final String[] SEPARATORS = {" ", " ", " ", "", "", ", ", ". ", "  ", "\t", "\n", "\u00A0", "-", "/", "\u3000"};

  private AdversarialCorpus() {}

  /** {@code count} strings, the first ones hand-picked edge cases, the rest random. */
  static List<String> strings(int count, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(count);
    out.add("");
    out.add(" ");
    out.add("   \t\n  ");
    out.add("\u00A0\u2003\u3000");
    out.add("\u200B\u200B");
    out.add("\uD800");
    out.add("a".repeat(99));
    out.add("a".repeat(100));
    out.add("a".repeat(101));
    out.add("é".repeat(100));
    out.add("e\u0301".repeat(60));
    out.add("\uD83D\uDE00".repeat(101));
    out.add("İ".repeat(100));
    out.add("x".repeat(250) + " tail");
    out.add("[SEP]");
    out.add("[CLS] hello [SEP] world [SEP]");
    out.add("hello[SEP]world");
    out.add("[SEP][SEP][SEP]");
    out.add("[MASK]ed [PAD]ding [UNK]nown");
    out.add("a\u0316\u0301 a\u0301\u0316 \u1E0B\u0323 \u1E0D\u0307 q\u0307\u0323");
    out.add("ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ İ I ı ẞ ß ΣΑΣ ς Ǆ ǅ ǆ");
    out.add("\u00E9 e\u0301 \u212B \u00C5 A\u030A \uF900 \uFA0E \u2F800");
    out.add("Operating profit fell to EUR 35.4 mn from EUR 68.8 mn in 2007.");
    // canonical reordering moves kept marks (Mc, or marks the Rust tables do not know) across dropped ones
    out.add("\u302C\u302E x \u00E9\u302E y e\u0301\u302F \u0F73\u0F74 a\u0315\u0316\u034D\u0301");
    out.add("\u08D6\u082B\u085B \u0915\u093C\u094D\u200B\u093C \uD834\uDD65\u0301\uD834\uDD6D\u0316");
    out.add("\u1100\u1161\u11A8 \uD55C\uAD6D\uC5B4 \u0344\u0345 \u1FEE\u1FEF\u1FFD \u037E\u0387");
    while (out.size() < count) {
      out.add(randomText(rnd));
    }
    return out;
  }

  private static String randomText(SplittableRandom rnd) {
    int chunks = 1 + rnd.nextInt(12);
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < chunks; c++) {
      if (c > 0) {
        sb.append(SEPARATORS[rnd.nextInt(SEPARATORS.length)]);
      }
      int kind = rnd.nextInt(100);
      if (kind < 40) {
        String w = WORDS[rnd.nextInt(WORDS.length)];
        sb.append(rnd.nextInt(10) == 0 ? w.toUpperCase() : w);
      } else if (kind < 52) {
        sb.append(SPECIALS[rnd.nextInt(SPECIALS.length)]);
      } else if (kind < 60) {
        sb.append(EMOJI[rnd.nextInt(EMOJI.length)]);
      } else if (kind < 85) {
        int[] b = BLOCKS[rnd.nextInt(BLOCKS.length)];
        int n = 1 + rnd.nextInt(8);
        for (int k = 0; k < n; k++) {
          sb.appendCodePoint(randomCodePoint(rnd, b[0], b[1]));
        }
      } else if (kind < 90) {
        // letters with stacked combining marks
        sb.append((char) ('a' + rnd.nextInt(26)));
        int marks = 1 + rnd.nextInt(3);
        for (int k = 0; k < marks; k++) {
          sb.appendCodePoint(randomCodePoint(rnd, 0x0300, 0x036F));
        }
      } else if (kind < 93) {
        // long words around the 100 code point limit
        int len = 95 + rnd.nextInt(12);
        String unit = rnd.nextBoolean() ? "ab" : "\u00E9";
        sb.append(unit.repeat(len / unit.length() + 1), 0, len);
      } else if (kind < 97) {
        sb.appendCodePoint(randomCodePoint(rnd, 0, 0x10FFFF));
      } else {
        sb.append(Integer.toString(rnd.nextInt(1_000_000)));
      }
    }
    return sb.toString();
  }

  /** A code point in [lo, hi]; surrogate code points come out as (deliberately) unpaired surrogates. */
  private static int randomCodePoint(SplittableRandom rnd, int lo, int hi) {
    return lo + rnd.nextInt(hi - lo + 1);
  }
}
