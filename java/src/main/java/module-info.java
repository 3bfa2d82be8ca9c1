/**
 * trainer: fine-tunes ONNX models on ONNX Runtime and hands back an ONNX model ready to deploy.
 *
 * <p>The API is {@link dev.trainer.FineTuning} (with {@link dev.trainer.Data},
 * {@link dev.trainer.Optimizers} and the typed configuration of {@code dev.trainer.config}),
 * {@link dev.trainer.Evaluation}, {@link dev.trainer.Prediction}, {@link dev.trainer.Inspection} and
 * {@link dev.trainer.Runs}; a run's events and listeners are in {@code dev.trainer.events}. Every
 * other package is internal and not exported.
 *
 * <p>The native kernels are called through the FFM API: run with
 * {@code --enable-native-access=dev.trainer} (on the class path: {@code ALL-UNNAMED}).
 */
module dev.trainer {
    requires ai.djl.api;
    requires ai.djl.tokenizers;
    requires com.drew.metadata;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;
    requires com.google.protobuf;
    requires com.microsoft.onnxruntime;
    requires info.picocli;
    requires java.desktop;
    // sun.misc.Signal: SIGINT and SIGTERM stop a run with a checkpoint and the shell's exit codes
    requires jdk.unsupported;
    requires org.tribuo.util.onnx;
    // no class of it is named: its JPEG reader (CMYK, YCCK, broken files) registers with ImageIO as
    // a service, and requiring it is what puts it in the module graph
    requires com.twelvemonkeys.imageio.jpeg;

    exports dev.trainer;
    exports dev.trainer.config;
    exports dev.trainer.events;

    // picocli sets the option fields; Jackson reads records for run.json and cv.json
    opens dev.trainer.cli to info.picocli;
    opens dev.trainer.config to com.fasterxml.jackson.databind;
    opens dev.trainer.data.normalize to com.fasterxml.jackson.databind;
    opens dev.trainer.run to com.fasterxml.jackson.databind;
}
