package io.slipway.mirror.storage.s3;

import io.slipway.mirror.storage.StorageWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A two-phase write to S3. Bytes collect in one part-sized buffer; content that fits in it is one PUT on commit.
 * Larger content becomes a multipart upload: each full buffer is uploaded as a part as it fills, and the object
 * appears only when the upload is completed on commit; cancel aborts it, so S3 keeps no parts behind.
 */
final class S3Writer implements StorageWriter {

    private static final Logger LOG = Logger.getLogger(S3Writer.class);

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final byte[] buffer;
    private int buffered;
    private long size;
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private boolean finished;

    private final OutputStream stream = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (finished) {
                throw new IOException("writer of " + key + " already finished");
            }
            while (len > 0) {
                int n = Math.min(len, buffer.length - buffered);
                System.arraycopy(b, off, buffer, buffered, n);
                buffered += n;
                size += n;
                off += n;
                len -= n;
                if (buffered == buffer.length) {
                    uploadPart();
                }
            }
        }
    };

    S3Writer(S3Client s3, String bucket, String key, int partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.buffer = new byte[partSize];
    }

    private void uploadPart() throws IOException {
        try {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            }
            int number = parts.size() + 1;
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                    .contentLength((long) buffered),
                    RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, buffered), buffered)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            buffered = 0;
        } catch (SdkException e) {
            throw S3Storage.io("upload part of " + key, e);
        }
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public long size() {
        return size;
    }

    /** None: readers of a download in progress keep their own copy (see the pull-through relay). */
    @Override
    public Optional<Path> spool() {
        return Optional.empty();
    }

    @Override
    public void commit() throws IOException {
        if (finished) {
            throw new IllegalStateException("writer already finished");
        }
        try {
            if (uploadId == null) {
                int length = buffered;
                s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) length),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length));
            } else {
                if (buffered > 0) {
                    uploadPart();
                }
                s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            }
            finished = true;
        } catch (SdkException e) {
            throw S3Storage.io("commit " + key, e);
        }
    }

    @Override
    public void cancel() {
        if (finished) {
            return;
        }
        finished = true;
        if (uploadId != null) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException e) {
                LOG.warnf("could not abort the multipart upload of %s (a bucket lifecycle rule cleans it): %s", key,
                        e.getMessage());
            }
        }
    }
}
