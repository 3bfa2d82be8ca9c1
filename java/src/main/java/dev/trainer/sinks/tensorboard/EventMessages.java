package dev.trainer.sinks.tensorboard;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes the few TensorFlow messages an event file needs, field by field in the protobuf wire
 * format, without generated classes (field numbers from TensorFlow's {@code event.proto},
 * {@code summary.proto}, {@code tensor.proto} and {@code tensor_shape.proto}):
 *
 * <pre>
 * Event          { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 * Summary        { repeated Value value = 1; }
 * Summary.Value  { string tag = 1; float simple_value = 2; Image image = 4; TensorProto tensor = 8;
 *                  SummaryMetadata metadata = 9; }
 * Summary.Image  { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
 * SummaryMetadata { PluginData plugin_data = 1; }   PluginData { string plugin_name = 1; }
 * TensorProto    { DataType dtype = 1; TensorShapeProto tensor_shape = 2; repeated bytes string_val = 8; }
 * </pre>
 */
final class EventMessages {

    /** The version string of the first event; TensorBoard reads files of version 2. */
    static final String FILE_VERSION = "brain.Event:2";

    /** TensorFlow's {@code DT_STRING}. */
    private static final int DT_STRING = 7;

    /** {@code SessionLog.START}: TensorBoard drops what earlier files hold from the event's step on. */
    private static final int SESSION_START = 1;

    private EventMessages() {
    }

    /** The event every file starts with: its format version. */
    static byte[] fileVersion(double wallTime) {
        return message(out -> {
            out.writeDouble(1, wallTime);
            out.writeString(3, FILE_VERSION);
        });
    }

    /** A {@code SessionLog} START event at {@code step}: the run restarted from there. */
    static byte[] sessionStart(double wallTime, long step) {
        byte[] log = message(out -> out.writeEnum(1, SESSION_START));
        return message(out -> {
            out.writeDouble(1, wallTime);
            out.writeInt64(2, step);
            out.writeByteArray(7, log);
        });
    }

    /** An event holding a summary of the given {@code Summary.Value}s at {@code step}. */
    static byte[] summary(double wallTime, long step, List<byte[]> values) {
        byte[] summary = message(out -> {
            for (byte[] value : values) {
                out.writeByteArray(1, value);
            }
        });
        return message(out -> {
            out.writeDouble(1, wallTime);
            if (step != 0) {  // proto3 leaves default values out
                out.writeInt64(2, step);
            }
            out.writeByteArray(5, summary);
        });
    }

    /** A scalar: TensorBoard's scalars dashboard plots {@code simple_value} against the step. */
    static byte[] scalar(String tag, float value) {
        return message(out -> {
            out.writeString(1, tag);
            out.writeFloat(2, value);
        });
    }

    /**
     * An encoded image (PNG) for the images dashboard.
     *
     * @param channels 1 grey, 3 RGB, 4 RGBA: the image summary's colour space
     */
    static byte[] image(String tag, byte[] encoded, int height, int width, int channels) {
        byte[] image = message(out -> {
            out.writeInt32(1, height);
            out.writeInt32(2, width);
            out.writeInt32(3, channels);
            out.writeByteArray(4, encoded);
        });
        return message(out -> {
            out.writeString(1, tag);
            out.writeByteArray(4, image);
        });
    }

    /** Text (Markdown) for the text dashboard: a scalar string tensor marked for the "text" plugin. */
    static byte[] text(String tag, String markdown) {
        byte[] tensor = message(out -> {
            out.writeEnum(1, DT_STRING);  // no tensor_shape: the default, [], is a scalar
            out.writeByteArray(8, markdown.getBytes(StandardCharsets.UTF_8));
        });
        byte[] pluginData = message(out -> out.writeString(1, "text"));
        byte[] metadata = message(out -> out.writeByteArray(1, pluginData));
        return message(out -> {
            out.writeString(1, tag);
            out.writeByteArray(8, tensor);
            out.writeByteArray(9, metadata);
        });
    }

    /** What writes one message's fields. */
    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            fields.write(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an event", e);  // a byte array does not fail
        }
        return bytes.toByteArray();
    }
}
