package dev.trainer.data;

import dev.trainer.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a text file stops being UTF-8. The JDK's decoder says only "Input length = 1"; this finds
 * the first bad byte again, so the message can name the line and the byte offset.
 */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The error for a text file the reader found not to be UTF-8.
     *
     * @param cause what the reader's decoder threw
     */
    static DataException notUtf8(Path file, CharacterCodingException cause) {
        try (InputStream in = Files.newInputStream(file)) {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
            CharBuffer chars = CharBuffer.allocate(1 << 16);
            long consumed = 0;
            long lines = 1;
            boolean end = false;
            while (!end) {
                int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
                end = read < 0;
                bytes.position(bytes.position() + Math.max(read, 0)).flip();
                int start = bytes.position();
                CoderResult result = decoder.decode(bytes, chars, end);
                lines += newlines(bytes.array(), start, bytes.position());
                if (result.isError()) {
                    long offset = consumed + bytes.position() - start;
                    return new DataException(file + " line " + lines + " (byte " + offset + ") is not UTF-8: byte 0x"
                            + String.format("%02x", bytes.get(bytes.position()) & 0xff) + "; save the file as UTF-8",
                            cause);
                }
                consumed += bytes.position() - start;
                bytes.compact();
                chars.clear();
            }
        } catch (IOException e) {
            return new DataException(file + " could not be read: " + Datasets.reason(e), e);
        }
        return new DataException(file + " is not UTF-8; save the file as UTF-8", cause);
    }

    private static int newlines(byte[] bytes, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                count++;
            }
        }
        return count;
    }
}
