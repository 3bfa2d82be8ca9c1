package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import org.junit.jupiter.api.Test;

/** ONNX Runtime's messages, as ORT 1.28's Java API reports them, in the words trainer prints. */
class OrtErrorsTest {

    @Test
    void aModelTooNewForOrtSaysWhichOpsetsItSupports() {
        OrtException e = new OrtException("Error code - ORT_FAIL - message: /onnxruntime_src/onnxruntime/core/graph/"
                + "model_load_utils.h:46 void onnxruntime::model_load_utils::ValidateOpsetForDomain(const std::unordered_map"
                + "<std::__cxx11::basic_string<char>, int>&, const onnxruntime::logging::Logger&, bool, const std::string&,"
                + " int) ONNX Runtime only *guarantees* support for models stamped with official released onnx opset"
                + " versions. Opset 99 is under development and support for this is limited. The operator schemas and or"
                + " other functionality may change before next ONNX release and in this case ONNX Runtime will not guarantee"
                + " backward compatibility. Current official support for domain ai.onnx is till opset 26.");

        String message = OrtErrors.message(e);

        assertTrue(message.matches("the model needs opset 99; ONNX Runtime \\d+\\.\\d+\\.\\d+ supports up to opset 26"),
                message);
    }

    @Test
    void sourceLocationsAndCppSignaturesAreLeftOut() {
        OrtException e = new OrtException("Error code - ORT_INVALID_GRAPH - message: /onnxruntime_src/onnxruntime/core/"
                + "graph/graph.cc:1449 void onnxruntime::Graph::InitializeStateFromModelFileGraphProto() This is an invalid"
                + " model. Graph output (y) does not exist in the graph.\nmore detail");

        assertEquals("This is an invalid model. Graph output (y) does not exist in the graph.", OrtErrors.message(e));
    }

    @Test
    void plainMessagesKeepTheirWordsWithoutTheErrorCode() {
        OrtException e = new OrtException("Error code - ORT_INVALID_ARGUMENT - message: Non-zero status code returned while"
                + " running Gather node. Name:'/embeddings/Gather' Status Message: indices element out of data bounds, idx=16");

        assertEquals("Non-zero status code returned while running Gather node. Name:'/embeddings/Gather' Status Message:"
                + " indices element out of data bounds, idx=16", OrtErrors.message(e));
    }

    @Test
    void anAllocationFailureIsAShortageOfMemory() {
        OrtException e = new OrtException("Error code - ORT_FAIL - message: Non-zero status code returned while running"
                + " Expand node. Name:'' Status Message: Failed to allocate memory for requested buffer of size 703687441776640");

        OutOfMemoryError shortage = assertThrows(OutOfMemoryError.class, () -> OrtErrors.rethrowShortage(e));

        assertTrue(shortage.getMessage().startsWith("ONNX Runtime: Non-zero status code"), shortage.getMessage());
        assertTrue(shortage.getMessage().endsWith("of size 703687441776640"), shortage.getMessage());
        assertDoesNotThrow(() -> OrtErrors.rethrowShortage(new OrtException("Error code - ORT_FAIL - message: other")));
    }
}
