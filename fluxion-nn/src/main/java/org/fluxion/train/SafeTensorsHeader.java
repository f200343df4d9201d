package org.fluxion.train;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.data.DataFileException;
import org.fluxion.tensor.Shape;

/**
 * The parsed and validated JSON header of a safetensors file.
 *
 * <p>Validation follows the reference implementation: every dtype is known, every shape is a list of
 * non-negative integers, {@code end - begin == elements * byteSize}, and the tensors' byte ranges tile
 * the data section exactly (no overlap, no gap, nothing after the last one). Errors name the file and
 * the absolute byte offset of the offending header entry (or data byte).
 *
 * @param entries tensors in header order
 * @param metadata the optional {@code "__metadata__"} map
 */
record SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata) {
    /** Offset of the JSON header in the file: it follows the 8-byte little-endian header length. */
    static final int HEADER_START = 8;
    static final String METADATA_KEY = "__metadata__";
    /** One tensor's data is read into one byte array. */
    static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 16;

    /** Jackson rejects duplicate names for us; a second tensor of the same name is corruption. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build());

    /**
     * One tensor of the header.
     *
     * @param begin first byte in the data section (relative to its start)
     * @param end one past the last byte
     * @param headerOffset absolute file offset of this entry in the JSON header, for error messages
     */
    record Entry(String name, SafeTensorsDType dtype, Shape shape, long begin, long end, long headerOffset) {
    }

    /**
     * Parses {@code json} (the header bytes) of file {@code source} whose data section holds
     * {@code dataLength} bytes.
     */
    static SafeTensorsHeader parse(byte[] json, String source, long dataLength) throws DataFileException {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw DataFileException.atOffset(source, absolute(p.currentTokenLocation()),
                        "header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                long at = absolute(p.currentTokenLocation());
                p.nextToken();
                JsonNode value = p.readValueAsTree();
                if (METADATA_KEY.equals(name)) {
                    parseMetadata(value, source, at, metadata);
                } else {
                    entries.add(parseEntry(name, value, source, at));
                }
            }
            if (p.nextToken() != null) {
                throw DataFileException.atOffset(source, absolute(p.currentTokenLocation()),
                        "unexpected content after the header's JSON object");
            }
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? HEADER_START : absolute(e.getLocation());
            throw DataFileException.of(source, "offset " + at + ": bad JSON header: " + e.getOriginalMessage(), e);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw DataFileException.of(source, "unreadable JSON header: " + e.getMessage(), e);
        }
        checkTiling(entries, source, HEADER_START + json.length, dataLength);
        return new SafeTensorsHeader(List.copyOf(entries), metadata);
    }

    private static long absolute(JsonLocation location) {
        return HEADER_START + Math.max(0, location.getByteOffset());
    }

    private static void parseMetadata(JsonNode value, String source, long at, Map<String, String> out)
            throws DataFileException {
        if (!value.isObject()) {
            throw DataFileException.atOffset(source, at, "\"__metadata__\" must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw DataFileException.atOffset(source, at, "\"__metadata__\" value of '" + e.getKey()
                        + "' is not a string: " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Entry parseEntry(String name, JsonNode value, String source, long at) throws DataFileException {
        String where = "tensor '" + name + "': ";
        if (!value.isObject()) {
            throw DataFileException.atOffset(source, at, where + "entry is not an object");
        }
        JsonNode dtypeNode = value.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw DataFileException.atOffset(source, at, where + "missing or non-string \"dtype\"");
        }
        SafeTensorsDType dtype = SafeTensorsDType.parse(dtypeNode.textValue()).orElseThrow(() ->
                DataFileException.atOffset(source, at, where + "unsupported dtype '" + dtypeNode.textValue()
                        + "' (Fluxion reads F32, F64, I32, I64, BOOL)"));
        int[] dims = intList(value.get("shape"), "shape", where, source, at);
        Shape shape;
        try {
            shape = Shape.of(dims);
        } catch (IllegalArgumentException e) {
            // Shape's own limits (elements addressable by an int) name the problem; the file adds where.
            throw DataFileException.atOffset(source, at, where + e.getMessage());
        }
        long[] offsets = longPair(value.get("data_offsets"), where, source, at);
        long expected = (long) shape.size() * dtype.byteSize();
        if (expected > MAX_TENSOR_BYTES) {
            throw DataFileException.atOffset(source, at, where + dtype + " shape " + shape + " needs " + expected
                    + " bytes, more than the " + MAX_TENSOR_BYTES + " a Java array can hold");
        }
        if (offsets[1] - offsets[0] != expected) {
            throw DataFileException.atOffset(source, at, where + "data_offsets [" + offsets[0] + ", " + offsets[1]
                    + "] span " + (offsets[1] - offsets[0]) + " bytes, but " + dtype + " shape " + shape
                    + " needs " + expected);
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1], at);
    }

    private static int[] intList(JsonNode node, String field, String where, String source, long at)
            throws DataFileException {
        if (node == null || !node.isArray()) {
            throw DataFileException.atOffset(source, at, where + "missing or non-array \"" + field + "\"");
        }
        int[] dims = new int[node.size()];
        long elements = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = node.get(i);
            if (!d.canConvertToInt() || !d.isIntegralNumber() || d.intValue() < 0) {
                throw DataFileException.atOffset(source, at, where + "\"" + field + "\" " + node
                        + " must hold non-negative integers");
            }
            dims[i] = d.intValue();
            elements *= dims[i];
            // Fluxion tensors index elements with an int.
            if (elements > Integer.MAX_VALUE) {
                throw DataFileException.atOffset(source, at, where + "shape " + node + " has more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        return dims;
    }

    private static long[] longPair(JsonNode node, String where, String source, long at) throws DataFileException {
        if (node == null || !node.isArray() || node.size() != 2 || !node.get(0).canConvertToLong()
                || !node.get(1).canConvertToLong() || !node.get(0).isIntegralNumber()
                || !node.get(1).isIntegralNumber()) {
            throw DataFileException.atOffset(source, at, where + "\"data_offsets\" must be [begin, end], found "
                    + node);
        }
        long begin = node.get(0).longValue();
        long end = node.get(1).longValue();
        if (begin < 0 || end < begin) {
            throw DataFileException.atOffset(source, at, where + "data_offsets [" + begin + ", " + end
                    + "] must satisfy 0 <= begin <= end");
        }
        return new long[] {begin, end};
    }

    /** The byte ranges, sorted, must cover {@code [0, dataLength)} exactly once. */
    private static void checkTiling(List<Entry> entries, String source, long dataStart, long dataLength)
            throws DataFileException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.end() > dataLength) {
                throw DataFileException.atOffset(source, e.headerOffset(), "tensor '" + e.name()
                        + "': data_offsets [" + e.begin() + ", " + e.end() + "] go beyond the data section of "
                        + dataLength + " bytes");
            }
            if (e.begin() < covered) {
                throw DataFileException.atOffset(source, e.headerOffset(), "tensor '" + e.name()
                        + "': data_offsets [" + e.begin() + ", " + e.end() + "] overlap tensor '"
                        + previous.name() + "' [" + previous.begin() + ", " + previous.end() + "]");
            }
            if (e.begin() > covered) {
                throw DataFileException.atOffset(source, e.headerOffset(), "tensor '" + e.name()
                        + "': data_offsets [" + e.begin() + ", " + e.end() + "] leave a gap of "
                        + (e.begin() - covered) + " bytes after data byte " + covered);
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw DataFileException.atOffset(source, dataStart + covered, "the data section has " + (dataLength - covered)
                    + " bytes after the last tensor (tensors cover " + covered + " of " + dataLength + ")");
        }
    }
}
