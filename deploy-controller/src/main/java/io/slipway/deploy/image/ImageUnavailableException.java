package io.slipway.deploy.image;

/** No copy of the image can be had (not in the mirror, its upstream or on the engine): the deploy must not start. */
public class ImageUnavailableException extends RuntimeException {

    public ImageUnavailableException(String message) {
        super(message);
    }
}
