package io.finbert4j.weights;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A restricted unpickler (Python pickle protocols 0-5) that understands only what a PyTorch state dict needs and
 * never executes anything. Python values become Java values: None → {@link #NONE}, bool → Boolean, int → Long
 * (BigInteger when large), float → Double, str → String, bytes → byte[], tuple → {@link PyTuple}, list →
 * ArrayList, dict/OrderedDict → LinkedHashMap, and allowed globals → {@link PyGlobal}.
 *
 * <p>Only the globals in {@link #ALLOWED} (plus the {@code torch.*Storage} type names, which are only ever used as
 * tags) can be named; any other global ({@code os.system}, {@code builtins.eval}, ...) raises an
 * {@link UnsafePickleException} the moment it is named. Calls (REDUCE) are interpreted by {@link Reducer}, not
 * performed. Resource limits: stack, mark depth and long-integer sizes are capped, every length is checked against
 * the bytes that remain, so a hostile stream ends in an exception, not an OutOfMemoryError or a hang.
 */
final class Unpickler {
  /** Python's None (Java collections cannot hold null comfortably). */
  static final Object NONE = new Object() {
    @Override
    public String toString() {
      return "None";
    }
  };

  /** An immutable Python tuple. */
  record PyTuple(List<Object> items) {
    int size() {
      return items.size();
    }

    Object get(int i) {
      return items.get(i);
    }
  }

  /** A named Python global (only allowed ones are ever created). */
  record PyGlobal(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  /** Result of a persistent id lookup. */
  interface PersistentLoader {
    Object load(Object pid) throws IOException;
  }

  /** Interprets REDUCE of an allowed global; must not execute anything. */
  interface Reducer {
    Object reduce(PyGlobal callable, PyTuple args) throws IOException;
  }

  static final String REBUILD_TENSOR_V2 = "torch._utils._rebuild_tensor_v2";
  static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor";
  static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
  static final String REBUILD_PARAMETER_WITH_STATE = "torch._utils._rebuild_parameter_with_state";
  static final String ORDERED_DICT = "collections.OrderedDict";

  /** Globals that a state dict may name, besides the {@code torch.*Storage} tags. */
  static final Set<String> ALLOWED =
      Set.of(ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE);

  /** Most values on the stack at once. A BERT state dict needs a few thousand. */
  static final int MAX_STACK = 1 << 20;
  /** Most nested MARKs. A state dict needs 3. */
  static final int MAX_MARK_DEPTH = 1000;
  /** Largest LONG1/LONG4 integer accepted, in bytes (a state dict's integers are small). */
  static final int MAX_LONG_BYTES = 1024;
  /** Longest text line (protocol 0 opcodes). */
  static final int MAX_LINE = 1 << 16;
  static final int HIGHEST_PROTOCOL = 5;

  private final ByteBuffer in;
  private final String where;
  private final PersistentLoader persistent;
  private final Reducer reducer;
  private final ArrayList<Object> stack = new ArrayList<>();
  private final ArrayList<Integer> marks = new ArrayList<>();
  private final HashMap<Long, Object> memo = new HashMap<>();

  /**
   * @param in the pickle bytes from its current position (the position advances past STOP)
   * @param where names the stream in messages (file and record)
   */
  Unpickler(ByteBuffer in, String where, PersistentLoader persistent, Reducer reducer) {
    this.in = in.order(ByteOrder.LITTLE_ENDIAN);
    this.where = where;
    this.persistent = persistent;
    this.reducer = reducer;
  }

  /** Whether a qualified global may be named: the allow-list plus {@code torch.<X>Storage}. */
  static boolean isAllowed(String module, String name) {
    if (ALLOWED.contains(module + "." + name)) {
      return true;
    }
    return "torch".equals(module) && name.endsWith("Storage") && name.chars().allMatch(Character::isLetterOrDigit);
  }

  private TensorFormatException error(String msg) {
    return new TensorFormatException(where + ": " + msg);
  }

  private TensorFormatException error(int pos, String msg) {
    return new TensorFormatException(where + ": at byte " + pos + ": " + msg);
  }

  // ------------------------------------------------------------------------------------------ reading

  private int u8() throws TensorFormatException {
    need(1);
    return in.get() & 0xFF;
  }

  private void need(long n) throws TensorFormatException {
    if (n < 0 || n > in.remaining()) {
      throw error(in.position(), "truncated pickle: needs " + n + " more bytes, " + in.remaining() + " left");
    }
  }

  private byte[] bytes(long n) throws TensorFormatException {
    need(n);
    byte[] b = new byte[(int) n];
    in.get(b);
    return b;
  }

  private String utf8(long n) throws TensorFormatException {
    return new String(bytes(n), StandardCharsets.UTF_8);
  }

  private String line() throws TensorFormatException {
    int start = in.position();
    while (true) {
      if (!in.hasRemaining()) {
        throw error(start, "truncated pickle: unterminated text line");
      }
      if (in.get() == '\n') {
        break;
      }
      if (in.position() - start > MAX_LINE) {
        throw error(start, "text line longer than " + MAX_LINE + " bytes");
      }
    }
    byte[] b = new byte[in.position() - start - 1];
    in.get(start, b);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  // ------------------------------------------------------------------------------------------ stack

  private void push(Object o) throws TensorFormatException {
    if (stack.size() >= MAX_STACK) {
      throw error(in.position(), "pickle stack exceeds " + MAX_STACK + " values");
    }
    stack.add(o);
  }

  private Object pop() throws TensorFormatException {
    if (stack.size() <= currentMarkBase()) {
      throw error(in.position(), "stack underflow (malformed pickle)");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek() throws TensorFormatException {
    if (stack.size() <= currentMarkBase()) {
      throw error(in.position(), "stack underflow (malformed pickle)");
    }
    return stack.get(stack.size() - 1);
  }

  private int currentMarkBase() {
    return marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
  }

  /** Pops everything above the top MARK, and the MARK. */
  private List<Object> popMark() throws TensorFormatException {
    if (marks.isEmpty()) {
      throw error(in.position(), "no MARK on the stack (malformed pickle)");
    }
    int base = marks.remove(marks.size() - 1);
    List<Object> items = new ArrayList<>(stack.subList(base, stack.size()));
    stack.subList(base, stack.size()).clear();
    return items;
  }

  private void memoPut(long index) throws TensorFormatException {
    if (index < 0) {
      throw error(in.position(), "negative memo index " + index);
    }
    memo.put(index, peek());
  }

  private Object memoGet(long index) throws TensorFormatException {
    Object o = memo.get(index);
    if (o == null) {
      throw error(in.position(), "memo index " + index + " was never stored (malformed pickle)");
    }
    return o;
  }

  // ------------------------------------------------------------------------------------------ main loop

  /** Runs the pickle up to STOP and returns the resulting object. */
  Object load() throws IOException {
    try {
      return run();
    } catch (StackOverflowError e) {
      throw error("pickle nested too deeply");
    }
  }

  @SuppressWarnings("unchecked")
  private Object run() throws IOException {
    while (true) {
      int pos = in.position();
      int op = u8();
      switch (op) {
        case 0x80 -> { // PROTO
          int proto = u8();
          if (proto > HIGHEST_PROTOCOL) {
            throw error(pos, "unsupported pickle protocol " + proto);
          }
        }
        case 0x95 -> { // FRAME: 8-byte length, framing is transparent to us
          need(8);
          in.getLong();
        }
        case '.' -> { // STOP
          Object result = pop();
          if (!stack.isEmpty() || !marks.isEmpty()) {
            // Python tolerates leftovers only in theory; torch never emits them
            throw error(pos, "STOP with " + stack.size() + " values left on the stack");
          }
          return result;
        }
        case '(' -> { // MARK
          if (marks.size() >= MAX_MARK_DEPTH) {
            throw error(pos, "MARKs nested deeper than " + MAX_MARK_DEPTH);
          }
          marks.add(stack.size());
        }
        case '0' -> pop(); // POP
        case '1' -> popMark(); // POP_MARK
        case '2' -> push(peek()); // DUP
        case 'N' -> push(NONE);
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 'J' -> { // BININT
          need(4);
          push((long) in.getInt());
        }
        case 'K' -> push((long) u8()); // BININT1
        case 'M' -> { // BININT2
          need(2);
          push((long) (in.getShort() & 0xFFFF));
        }
        case 0x8a -> push(longBytes(u8(), pos)); // LONG1
        case 0x8b -> { // LONG4
          need(4);
          push(longBytes(in.getInt(), pos));
        }
        case 'I' -> push(textInt(line(), pos)); // INT (also 01/00 for bools)
        case 'L' -> { // LONG
          String s = line();
          push(textInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s, pos));
        }
        case 'G' -> { // BINFLOAT, big-endian
          need(8);
          push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
        }
        case 'F' -> { // FLOAT
          String s = line();
          try {
            push(Double.parseDouble(s.trim()));
          } catch (NumberFormatException e) {
            throw error(pos, "bad FLOAT literal");
          }
        }
        case 'X' -> { // BINUNICODE
          need(4);
          push(utf8(in.getInt() & 0xFFFFFFFFL));
        }
        case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
        case 0x8d -> { // BINUNICODE8
          need(8);
          push(utf8(in.getLong()));
        }
        case 'V' -> push(line()); // UNICODE (raw-unicode-escape; ASCII in practice)
        case 'T' -> { // BINSTRING
          need(4);
          push(new String(bytes(in.getInt() & 0xFFFFFFFFL), StandardCharsets.ISO_8859_1));
        }
        case 'U' -> push(new String(bytes(u8()), StandardCharsets.ISO_8859_1)); // SHORT_BINSTRING
        case 'S' -> push(quoted(line(), pos)); // STRING
        case 'B' -> { // BINBYTES
          need(4);
          push(bytes(in.getInt() & 0xFFFFFFFFL));
        }
        case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
        case 0x8e, 0x96 -> { // BINBYTES8, BYTEARRAY8
          need(8);
          push(bytes(in.getLong()));
        }
        case ')' -> push(new PyTuple(List.of()));
        case 't' -> push(tuple(popMark()));
        case 0x85 -> push(tuple(List.of(pop())));
        case 0x86 -> {
          Object b = pop();
          Object a = pop();
          push(tuple(Arrays.asList(a, b)));
        }
        case 0x87 -> {
          Object c = pop();
          Object b = pop();
          Object a = pop();
          push(tuple(Arrays.asList(a, b, c)));
        }
        case ']' -> push(new ArrayList<>());
        case 'l' -> push(new ArrayList<>(popMark())); // LIST
        case 'a' -> { // APPEND
          Object v = pop();
          asList(peek(), pos).add(v);
        }
        case 'e' -> { // APPENDS
          List<Object> items = popMark();
          asList(peek(), pos).addAll(items);
        }
        case '}' -> push(new LinkedHashMap<>());
        case 'd' -> { // DICT
          List<Object> items = popMark();
          LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
          putPairs(m, items, pos);
          push(m);
        }
        case 's' -> { // SETITEM
          Object v = pop();
          Object k = pop();
          putPairs(asDict(peek(), pos), Arrays.asList(k, v), pos);
        }
        case 'u' -> { // SETITEMS
          List<Object> items = popMark();
          putPairs(asDict(peek(), pos), items, pos);
        }
        case 0x8f -> push(new ArrayList<>()); // EMPTY_SET (as a list; never used as a key)
        case 0x90 -> { // ADDITEMS
          List<Object> items = popMark();
          asList(peek(), pos).addAll(items);
        }
        case 0x91 -> push(tuple(popMark())); // FROZENSET
        case 'p' -> memoPut(textLong(line(), pos)); // PUT
        case 'q' -> memoPut(u8()); // BINPUT
        case 'r' -> { // LONG_BINPUT
          need(4);
          memoPut(in.getInt() & 0xFFFFFFFFL);
        }
        case 0x94 -> memoPut(memo.size()); // MEMOIZE
        case 'g' -> push(memoGet(textLong(line(), pos))); // GET
        case 'h' -> push(memoGet(u8())); // BINGET
        case 'j' -> { // LONG_BINGET
          need(4);
          push(memoGet(in.getInt() & 0xFFFFFFFFL));
        }
        case 'c' -> { // GLOBAL "module\nname\n"
          String module = line();
          String name = line();
          push(global(module, name, pos));
        }
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw error(pos, "STACK_GLOBAL needs two strings");
          }
          push(global(m, n, pos));
        }
        case 'i' -> { // INST "module\nname\n": instantiates a class
          String module = line();
          String name = line();
          global(module, name, pos);
          throw error(pos, "opcode INST (" + module + "." + name + ") is not supported in a state dict");
        }
        case 'o', 0x81, 0x92 -> { // OBJ, NEWOBJ, NEWOBJ_EX: only reached with an allowed class
          throw error(pos, "opcode 0x" + Integer.toHexString(op) + " (object construction) is not supported in a "
              + "state dict");
        }
        case 0x82, 0x83, 0x84 -> throw error(pos, "extension-registry opcodes (EXT1/2/4) are not supported");
        case 0x97, 0x98 -> throw error(pos, "out-of-band buffers (protocol 5) are not supported");
        case 'R' -> { // REDUCE
          Object args = pop();
          Object callable = pop();
          if (!(callable instanceof PyGlobal g)) {
            throw error(pos, "REDUCE of a non-global " + describe(callable));
          }
          if (!(args instanceof PyTuple t)) {
            throw error(pos, "REDUCE of " + g.qualified() + " with non-tuple arguments " + describe(args));
          }
          push(reducer.reduce(g, t));
        }
        case 'b' -> { // BUILD: set state; only OrderedDict state (e.g. _metadata) is allowed, and dropped
          Object state = pop();
          Object obj = peek();
          if (!(obj instanceof Map)) {
            throw error(pos, "BUILD on " + describe(obj) + " is not supported in a state dict");
          }
          if (!(state instanceof Map) && !(state instanceof PyTuple) && state != NONE) {
            throw error(pos, "BUILD with state " + describe(state) + " is not supported");
          }
        }
        case 'Q' -> push(persistent.load(pop())); // BINPERSID
        case 'P' -> push(persistent.load(line())); // PERSID
        default -> throw error(pos, "unknown or unsupported pickle opcode 0x" + Integer.toHexString(op));
      }
    }
  }

  private Object global(String module, String name, int pos) throws UnsafePickleException {
    if (!isAllowed(module, name)) {
      String q = module + "." + name;
      throw new UnsafePickleException(
          q,
          where + ": at byte " + pos + ": refusing to load global " + q + ": only "
              + new TreeSet<>(ALLOWED) + " and torch.*Storage may appear in a checkpoint (nothing was executed)");
    }
    return new PyGlobal(module, name);
  }

  private static PyTuple tuple(List<Object> items) {
    return new PyTuple(List.copyOf(items));
  }

  @SuppressWarnings("unchecked")
  private List<Object> asList(Object o, int pos) throws TensorFormatException {
    if (o instanceof List<?> l && !(o instanceof PyTuple)) {
      return (List<Object>) l;
    }
    throw error(pos, "APPEND to " + describe(o) + ", not a list");
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> asDict(Object o, int pos) throws TensorFormatException {
    if (o instanceof Map<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    throw error(pos, "SETITEM on " + describe(o) + ", not a dict");
  }

  private void putPairs(Map<Object, Object> m, List<Object> kv, int pos) throws TensorFormatException {
    if (kv.size() % 2 != 0) {
      throw error(pos, "odd number of items for a dict");
    }
    for (int i = 0; i < kv.size(); i += 2) {
      Object k = kv.get(i);
      // only scalar keys: a tuple or list key could be cyclic and recurse forever in hashCode()
      if (!(k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Boolean
          || k instanceof Double || k == NONE)) {
        throw error(pos, "unsupported dict key " + describe(k));
      }
      m.put(k, kv.get(i + 1));
    }
  }

  private Object longBytes(int n, int pos) throws TensorFormatException {
    if (n < 0 || n > MAX_LONG_BYTES) {
      throw error(pos, "integer of " + Integer.toUnsignedString(n) + " bytes exceeds " + MAX_LONG_BYTES);
    }
    if (n == 0) {
      return 0L;
    }
    byte[] le = bytes(n);
    byte[] be = new byte[n];
    for (int i = 0; i < n; i++) {
      be[i] = le[n - 1 - i];
    }
    BigInteger v = new BigInteger(be);
    return v.bitLength() < Long.SIZE ? (Object) v.longValue() : v;
  }

  private Object textInt(String s, int pos) throws TensorFormatException {
    String t = s.trim();
    if ("01".equals(t)) {
      return Boolean.TRUE;
    }
    if ("00".equals(t)) {
      return Boolean.FALSE;
    }
    try {
      BigInteger v = new BigInteger(t);
      return v.bitLength() < Long.SIZE ? (Object) v.longValue() : v;
    } catch (NumberFormatException e) {
      throw error(pos, "bad integer literal");
    }
  }

  private long textLong(String s, int pos) throws TensorFormatException {
    Object v = textInt(s, pos);
    if (v instanceof Long l) {
      return l;
    }
    throw error(pos, "bad memo index");
  }

  private String quoted(String s, int pos) throws TensorFormatException {
    String t = s.trim();
    if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"') && t.charAt(t.length() - 1) == t.charAt(0)) {
      return t.substring(1, t.length() - 1);
    }
    throw error(pos, "bad STRING literal");
  }

  /** A short, non-recursive description of a value for error messages. */
  static String describe(Object o) {
    if (o == NONE) {
      return "None";
    }
    if (o instanceof String s) {
      return "str '" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
    }
    if (o instanceof PyTuple t) {
      return "tuple of " + t.size();
    }
    if (o instanceof List<?> l) {
      return "list of " + l.size();
    }
    if (o instanceof Map<?, ?> m) {
      return "dict of " + m.size();
    }
    if (o instanceof PyGlobal g) {
      return g.qualified();
    }
    if (o instanceof byte[] b) {
      return "bytes of " + b.length;
    }
    if (o instanceof Long || o instanceof Double || o instanceof Boolean || o instanceof BigInteger) {
      return o.getClass().getSimpleName().toLowerCase() + " " + o;
    }
    return o == null ? "null" : o.getClass().getSimpleName();
  }
}
