package dev.trainer.data;

import dev.trainer.DataException;

/** The numpy element types an .npy file may hold here: little-endian numbers and booleans. */
enum NpyDtype {
    FLOAT32("f4", 4),
    FLOAT64("f8", 8),
    INT64("i8", 8),
    INT32("i4", 4),
    INT16("i2", 2),
    INT8("i1", 1),
    UINT8("u1", 1),
    BOOL("b1", 1);

    private final String code;
    private final int bytes;

    NpyDtype(String code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    int bytes() {
        return bytes;
    }

    boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The header's {@code descr}, e.g. {@code <f4}; one-byte types are written {@code |u1}. */
    String descr() {
        return (bytes == 1 ? "|" : "<") + code;
    }

    /**
     * The type a {@code descr} names, or a {@link DataException} for big-endian or other types.
     * A one-byte type has no byte order, so {@code <u1} and {@code |u1} are the same.
     */
    static NpyDtype parse(String descr, String where) {
        if (descr.length() == 3) {
            char order = descr.charAt(0);
            String code = descr.substring(1);
            for (NpyDtype dtype : values()) {
                if (dtype.code.equals(code) && (order == '<' || order == '|' && dtype.bytes == 1)) {
                    return dtype;
                }
            }
            if (order == '>') {
                throw new DataException(where + " is big-endian ('" + descr + "'); save it with"
                        + " arr.astype(arr.dtype.newbyteorder('<'))");
            }
        }
        throw new DataException(where + " has dtype '" + descr + "'; supported: float32, float64, int64,"
                + " int32, int16, int8, uint8, bool");
    }
}
