package org.fluxion.train;

import java.awt.Color;

/** Class colours: Matplotlib's "tab10", familiar to readers of plots from the Python side. */
final class Palette {
    private static final Color[] TAB10 = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Palette() {
    }

    static Color color(int index) {
        return TAB10[Math.floorMod(index, TAB10.length)];
    }

    static Color[] colors() {
        return TAB10.clone();
    }

    /** {@code c} mixed with white: {@code amount} 0 gives {@code c}, 1 gives white. */
    static Color tint(Color c, double amount) {
        return new Color(mix(c.getRed(), amount), mix(c.getGreen(), amount), mix(c.getBlue(), amount));
    }

    private static int mix(int channel, double amount) {
        return (int) Math.round(channel + (255 - channel) * amount);
    }
}
