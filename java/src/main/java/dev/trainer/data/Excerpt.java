package dev.trainer.data;

/**
 * What an error message quotes from a file: a cell, a name, a line. Quoted text is cut to a
 * screen's width with an ellipsis and kept on one line, so that a 100,000-digit cell or a binary
 * file read as text makes a readable message.
 */
public final class Excerpt {

    /** Characters kept of quoted text. */
    static final int MAX_LENGTH = 60;

    private Excerpt() {
    }

    /** {@code text} in double quotes, at most {@link #MAX_LENGTH} characters of it, control characters escaped. */
    public static String quoted(CharSequence text) {
        return "\"" + of(text) + "\"";
    }

    /** At most {@link #MAX_LENGTH} characters of {@code text}, then an ellipsis; control characters escaped. */
    public static String of(CharSequence text) {
        StringBuilder s = new StringBuilder();
        int shown = Math.min(text.length(), MAX_LENGTH);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            s.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        if (shown < text.length()) {
            s.append("… (").append(text.length()).append(" characters)");
        }
        return s.toString();
    }
}
