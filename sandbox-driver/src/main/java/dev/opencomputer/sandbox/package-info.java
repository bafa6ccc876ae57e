/**
 * The sandbox SPI: isolated boxes with a persistent {@code /workspace}, driven by commands and
 * file transfers, whatever container engine runs them.
 */
package dev.opencomputer.sandbox;
