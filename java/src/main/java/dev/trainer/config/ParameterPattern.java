package dev.trainer.config;

import java.util.regex.Pattern;

/**
 * A glob over parameter (initializer) names, as users write them on the command line.
 *
 * <p>Grammar: dot-separated segments, none empty, no whitespace. In a segment, {@code *} matches
 * any run of characters except {@code .}, {@code ?} one character except {@code .}, and
 * {@code **} any run of characters including dots; every other character is literal. A pattern
 * names a parameter or a module: it matches a name when it matches the whole name or a dotted
 * prefix of it, so selecting a module selects everything under it. Examples, for BERT's names:
 * <ul>
 *   <li>{@code classifier.weight}: that parameter only</li>
 *   <li>{@code encoder.layer.3}: every parameter of layer 3
 *       ({@code encoder.layer.3.attention.self.query.weight}, ...) but not of layer 30</li>
 *   <li>{@code encoder.layer.*}: every parameter of every layer</li>
 *   <li>{@code encoder.layer.*.attention}: the attention parameters of every layer</li>
 *   <li>{@code **.bias}: every bias, at any depth; {@code *.bias} only top-level ones
 *       ({@code fc.bias})</li>
 *   <li>{@code encoder.layer.1?}: layers 10 to 19</li>
 * </ul>
 * Immutable; equal when the pattern text is equal.
 */
public final class ParameterPattern implements OptionValue {

    private final String text;
    private final Pattern regex;

    private ParameterPattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    /**
     * Compiles a pattern.
     *
     * @throws IllegalArgumentException for an empty pattern, whitespace, an empty segment
     *         ({@code a..b}, a leading or trailing dot) or three stars in a row
     */
    public static ParameterPattern parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty parameter pattern");
        }
        if (text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("parameter pattern '" + text + "' contains whitespace");
        }
        if (text.contains("***")) {
            throw new IllegalArgumentException("parameter pattern '" + text + "' has '***'; use '*' within a segment or '**' across dots");
        }
        for (String segment : text.split("\\.", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("parameter pattern '" + text + "' has an empty segment (a leading, trailing or doubled dot)");
            }
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String wildcard = null;
            if (c == '*' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                wildcard = ".*";
                i++;
            } else if (c == '*') {
                wildcard = "[^.]*";
            } else if (c == '?') {
                wildcard = "[^.]";
            }
            if (wildcard == null) {
                literal.append(c);
            } else {
                appendLiteral(regex, literal);
                regex.append(wildcard);
            }
        }
        appendLiteral(regex, literal);
        // The optional dotted tail is what lets a pattern name a module instead of one parameter.
        return new ParameterPattern(text, Pattern.compile(regex + "(?:\\..*)?", Pattern.DOTALL));
    }

    /**
     * Compiles the pattern of an option's value, the option named in the error.
     *
     * @throws IllegalArgumentException as {@link #parse(String)}, the message starting with the option
     */
    public static ParameterPattern parse(String option, String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static void appendLiteral(StringBuilder regex, StringBuilder literal) {
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }

    /** Whether the pattern matches the whole name or one of its dotted prefixes. */
    public boolean matches(String name) {
        return regex.matcher(name).matches();
    }

    /** The pattern as the user wrote it. */
    public String text() {
        return text;
    }

    @Override
    public String spec() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParameterPattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
