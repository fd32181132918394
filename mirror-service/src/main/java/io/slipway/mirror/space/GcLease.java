package io.slipway.mirror.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slipway.mirror.registry.StorageLayout;
import io.slipway.mirror.storage.Storage;
import io.slipway.mirror.storage.StorageNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One collector at a time across the instances on one store: a lease object in the store ({@link
 * StorageLayout#gcLease()}) with its holder and expiry. Taking it is write, wait, read back: of two instances that
 * write at nearly the same time, the store keeps one object and only its writer reads back its own token (S3 reads
 * are strongly consistent). A holder that dies lets go when the lease expires; a live one renews it as it works.
 */
final class GcLease {

    /** Long enough that a competing write has landed before the read-back. */
    static final Duration SETTLE = Duration.ofMillis(500);

    private final Storage storage;
    private final Duration ttl;
    private final String instance;
    private final ObjectMapper json = new ObjectMapper();

    GcLease(Storage storage, Duration ttl, String instance) {
        this.storage = storage;
        this.ttl = ttl;
        this.instance = instance;
    }

    /** The lease, held now; empty when another collector holds an unexpired one (its holder in {@code holder}). */
    Optional<Held> acquire() throws IOException, InterruptedException {
        if (current().filter(l -> l.expires() > System.currentTimeMillis()).isPresent()) {
            return Optional.empty();
        }
        String token = UUID.randomUUID().toString();
        write(token);
        Thread.sleep(SETTLE.toMillis());
        return current().filter(l -> l.token().equals(token)).map(l -> new Held(token));
    }

    /** Who holds the lease now, if anyone does and it has not expired. */
    Optional<String> holder() throws IOException {
        return current().filter(l -> l.expires() > System.currentTimeMillis()).map(Lease::instance);
    }

    private Optional<Lease> current() throws IOException {
        try {
            JsonNode doc = json.readTree(storage.getContent(StorageLayout.gcLease()));
            return Optional.of(new Lease(doc.path("token").asText(), doc.path("instance").asText(),
                    doc.path("expires").asLong()));
        } catch (StorageNotFoundException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return Optional.empty(); // torn or foreign: nobody holds it
        }
    }

    private void write(String token) throws IOException {
        storage.putContent(StorageLayout.gcLease(), json.writeValueAsBytes(Map.of("token", token, "instance", instance,
                "expires", System.currentTimeMillis() + ttl.toMillis())));
    }

    private record Lease(String token, String instance, long expires) {}

    /** A lease this instance holds. */
    final class Held implements AutoCloseable {
        private final String token;
        private long renewed = System.currentTimeMillis();

        private Held(String token) {
            this.token = token;
        }

        /**
         * Renews the lease when a third of its time is gone; throws when it was lost meanwhile (this collector was
         * too slow and another one took over), so that the sweep stops.
         */
        void keep() throws IOException {
            if (System.currentTimeMillis() - renewed < ttl.toMillis() / 3) {
                return;
            }
            if (current().filter(l -> l.token().equals(token)).isEmpty()) {
                throw new IOException("the garbage-collection lease was lost; stopping");
            }
            write(token);
            renewed = System.currentTimeMillis();
        }

        @Override
        public void close() {
            try {
                if (current().filter(l -> l.token().equals(token)).isPresent()) {
                    storage.delete(StorageLayout.gcLease());
                }
            } catch (IOException | RuntimeException e) {
                // it expires on its own
            }
        }
    }
}
