package io.slipway.deploy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.deploy.compose.ComposeLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelServiceTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aTritonStyleServiceDeclaresItsPortNamesAndConcurrencyInLabels() {
        ModelService s = ModelService.fromLabels("triton", Map.of(ComposeLabels.MODEL_PORT, "9000",
                ModelService.MODELS, "resnet, bert", ModelService.CONCURRENCY, "4"), 8000);
        assertEquals(new ModelService("triton", 9000, List.of("resnet", "bert"), "blue-green", Optional.of(4)), s);
    }

    @Test
    void withoutLabelsTheServiceServesItsOwnNameOnTheDefaultPort() {
        assertEquals(new ModelService("sample-model", 8000, List.of("sample-model"), "blue-green", Optional.empty()),
                ModelService.fromLabels("sample-model", Map.of(), 8000));
    }

    @Test
    void wrongLabelsAreRefusedNamingTheLabel() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelService.fromLabels("m",
                Map.of(ComposeLabels.MODEL_PORT, "http"), 8000)).getMessage().contains(ComposeLabels.MODEL_PORT));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelService.fromLabels("m",
                Map.of(ModelService.MODELS, "a/../b"), 8000)).getMessage().contains("a/../b"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelService.fromLabels("m",
                Map.of(ModelService.STRATEGY, "yolo"), 8000)).getMessage().contains("yolo"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelService.fromLabels("m",
                Map.of(ModelService.CONCURRENCY, "0"), 8000)).getMessage().contains(ModelService.CONCURRENCY));
    }

    @Test
    void theIndexMapsEveryModelNameToItsServiceAndIsRewrittenOnlyOnChange(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(ModelIndex.FILE);
        ModelIndex index = new ModelIndex(file, json);
        ModelService sample = ModelService.fromLabels("sample-model", Map.of(), 8000);
        ModelService triton = ModelService.fromLabels("triton", Map.of(ModelService.MODELS, "resnet,sample-model",
                ModelService.CONCURRENCY, "2"), 8000);

        index.publish(List.of(sample, triton));
        JsonNode written = json.readTree(file.toFile());
        assertEquals("sample-model", written.at("/models/sample-model/service").asText(),
                "a name two services claim goes to the first by name");
        assertEquals("triton", written.at("/models/resnet/service").asText());
        assertEquals(2, written.at("/models/resnet/concurrency").asInt());
        assertEquals(2, written.get("services").size());

        var modified = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1000));
        index.publish(List.of(sample, triton));
        assertEquals(1000, Files.getLastModifiedTime(file).toMillis(), "unchanged index is not rewritten");
        index.publish(List.of(sample));
        assertTrue(json.readTree(file.toFile()).at("/models/resnet").isMissingNode());
        assertTrue(modified.toMillis() > 1000);
    }
}
