package dev.trainer;

/**
 * Messages of trainer's exceptions are printed as they are, as the one line a command reports:
 * whatever a message quotes from a file (a name, a cell, a parser's complaint) must not break it
 * into several lines, colour the terminal, or run to pages.
 */
final class OneLine {

    /** Longer messages keep their start and end, where the file and the problem are named. */
    static final int MAX_LENGTH = 1000;

    private OneLine() {
    }

    /** The message with line breaks as spaces, other control characters escaped, and at most {@link #MAX_LENGTH} characters. */
    static String of(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder s = new StringBuilder(Math.min(message.length(), MAX_LENGTH + 16));
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') {
                s.append(' ');
            } else if (Character.isISOControl(c)) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        if (s.length() <= MAX_LENGTH) {
            return s.toString();
        }
        int keep = (MAX_LENGTH - " … ".length()) / 2;
        return s.substring(0, keep) + " … " + s.substring(s.length() - keep);
    }
}
