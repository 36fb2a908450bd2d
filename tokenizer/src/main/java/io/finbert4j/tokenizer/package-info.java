/**
 * A from-scratch BERT WordPiece tokenizer, id-for-id identical to Hugging Face's Rust tokenizer.
 *
 * <p>Entry point: {@link io.finbert4j.tokenizer.BertTokenizer} ({@code fromDirectory}, {@code fromVocab},
 * {@code fromTokenizerJson}); results are {@link io.finbert4j.tokenizer.Encoding}s shaped by
 * {@link io.finbert4j.tokenizer.EncodeOptions}; settings are a {@link io.finbert4j.tokenizer.TokenizerConfig}.
 *
 * <p>Pipeline (one class per Hugging Face component): {@code AddedTokens} (special tokens cut out of the
 * original text) → {@code BertNormalizer} (clean-up, CJK spacing, NFD accent stripping, lower-casing, each
 * normalized char remembering its original code point) → pre-tokenization in {@code BertTokenizer}
 * (whitespace split, punctuation isolated, {@code UnicodeClasses}) → {@code WordPiece} (greedy
 * longest-match over the allocation-free {@code PieceTable}) → {@code [CLS] A [SEP] (B [SEP])}, truncation
 * (Rust {@code LongestFirst}), padding. Per-thread scratch buffers live in {@code Workspace}.
 *
 * <p>Parity: {@code tests/src/test/java/io/finbert4j/tests/tokenizer} compares it with the Rust tokenizer
 * (through DJL) on every Unicode code point, a 10,000-string / 1,000-pair adversarial corpus (ids, type
 * ids, offsets, truncation, padding, decode) and the fixture's reference ids.
 */
package io.finbert4j.tokenizer;
