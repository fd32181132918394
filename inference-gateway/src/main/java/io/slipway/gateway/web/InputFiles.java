package io.slipway.gateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.slipway.gateway.error.GatewayError;
import io.slipway.gateway.error.JsonErrors;
import io.slipway.gateway.job.JobRejected;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Input files of {@code /AddJob} as job input: a JSON file as it is, a CSV file (header row, then one record per
 * row) as an array of records, numbers as numbers, for a mapping to turn into tensors.
 */
@ApplicationScoped
public class InputFiles {

    static final String EXAMPLE = """
            {"inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP32",
                         "data": [1, 2, 3, 4, 0, 0, 0, 0]}]}""";

    private static final int MAX_ROWS = 100_000;

    private final ObjectMapper json;
    private final CsvMapper csv = new CsvMapper();

    public InputFiles(ObjectMapper json) {
        this.json = json;
    }

    public JsonNode read(String fileName, byte[] content) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return csv(content, fileName);
        }
        return json(new String(content, StandardCharsets.UTF_8), "'" + fileName + "'");
    }

    public JsonNode json(String text, String what) {
        try {
            JsonNode node = json.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new JobRejected(GatewayError.MALFORMED_JSON, what + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new JobRejected(GatewayError.MALFORMED_JSON, what + " is not JSON: " + JsonErrors.describe(e));
        }
    }

    private ArrayNode csv(byte[] content, String fileName) {
        ArrayNode records = json.createArrayNode();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (MappingIterator<Map<String, String>> rows = csv.readerForMapOf(String.class).with(schema)
                .readValues(content)) {
            while (rows.hasNext()) {
                if (records.size() == MAX_ROWS) {
                    throw new JobRejected(GatewayError.INVALID_SUBMISSION, "'" + fileName + "' has more than "
                            + MAX_ROWS + " rows");
                }
                ObjectNode record = records.addObject();
                rows.next().forEach((column, value) -> record.set(column.trim(), cell(value)));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof JobRejected rejected) {
                throw rejected;
            }
            throw new JobRejected(GatewayError.INVALID_SUBMISSION, "'" + fileName + "' is not CSV with a header "
                    + "row" + (e instanceof JsonProcessingException p ? ": " + JsonErrors.describe(p) : ""));
        }
        if (records.isEmpty()) {
            throw new JobRejected(GatewayError.INVALID_SUBMISSION, "'" + fileName + "' has a header but no rows");
        }
        return records;
    }

    private JsonNode cell(String value) {
        String trimmed = value == null ? "" : value.trim();
        try {
            return json.getNodeFactory().numberNode(new BigDecimal(trimmed));
        } catch (NumberFormatException e) {
            return json.getNodeFactory().textNode(trimmed);
        }
    }
}
