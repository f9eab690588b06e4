package io.batchwise.app;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A short look at bytes a person can read: their text when they are UTF-8 text, else their first bytes in hex. */
final class BytesPreview {
  private BytesPreview() {
  }

  /**
   * {@code NaN,red,1 (9 bytes)}, {@code hex c3 01 9a ... (45 bytes)} or {@code (none)}.
   *
   * @param maxChars the longest text shown; hex shows a third as many bytes
   */
  static String of(ByteBuffer bytes, int maxChars) {
    if (bytes == null) {
      return "(none)";
    }
    ByteBuffer view = bytes.duplicate();
    int size = view.remaining();
    String text = text(view.duplicate());
    String shown;
    if (text != null) {
      String escaped = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n");
      shown = escaped.length() > maxChars ? escaped.substring(0, maxChars) + "..." : escaped;
    } else {
      int n = Math.min(size, Math.max(1, maxChars / 3));
      byte[] head = new byte[n];
      view.get(head);
      shown = "hex " + HexFormat.ofDelimiter(" ").formatHex(head) + (n < size ? " ..." : "");
    }
    return shown + " (" + size + (size == 1 ? " byte)" : " bytes)");
  }

  /** The bytes as text when they are valid UTF-8 without control characters other than tab and line ends. */
  private static String text(ByteBuffer bytes) {
    CharBuffer chars;
    try {
      chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
    } catch (CharacterCodingException e) {
      return null;
    }
    String text = chars.toString();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
        return null;
      }
    }
    return text;
  }
}
