/**
 * The {@code fluxion} command line (picocli): {@code train} (the main job), {@code example} (the seeds'
 * examples), {@code demo} and {@code bench}. Exit codes: 0 success, 1 failure while running, 2 a wrong
 * command line, 3 training diverged. Depends on every other module; nothing depends on it.
 */
package org.fluxion.cli;
