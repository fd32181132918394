package io.slipway.gateway.job;

/** A finished job whose webhook is due, held for one delivery attempt. */
public record WebhookDelivery(Job job, int attempt) {}
