package org.fluxion.ode;

import java.util.Arrays;

/**
 * Dormand and Prince's 8th-order method DOP853 with Hairer's error estimate (the 5th- and 3rd-order
 * estimates combined: {@code ||e|| = |h| S5 / sqrt(n (S5 + 0.01 S3))}, {@code S} the weighted sums of
 * squares) and its 7th-order dense output, which costs three more RHS evaluations per step, spent only when
 * an interpolation is needed (save points, events, a kept dense output). Coefficients: Hairer, Nørsett,
 * Wanner, Solving ODEs I, II.10 and the code dop853.f (as transcribed in SciPy's {@code solve_ivp}).
 */
final class Dop853Stepper implements Stepper {
    private static final int STAGES = 12;
    private static final int EXTENDED = 16;

    private static final double[] C = {0.0, 0.05260015195876773, 0.0789002279381516, 0.1183503419072274,
            0.2816496580927726, 0.3333333333333333, 0.25, 0.3076923076923077, 0.6512820512820513, 0.6,
            0.8571428571428571, 1.0, 1.0, 0.1, 0.2, 0.7777777777777778};

    /** Row i: the coefficients a[i][0..i-1]; row 12 is the solution weights b. */
    private static final double[][] A = {
            {},
            {0.05260015195876773},
            {0.0197250569845379, 0.0591751709536137},
            {0.02958758547680685, 0.0, 0.08876275643042054},
            {0.2413651341592667, 0.0, -0.8845494793282861, 0.924834003261792},
            {0.037037037037037035, 0.0, 0.0, 0.17082860872947386, 0.12546768756682242},
            {0.037109375, 0.0, 0.0, 0.17025221101954405, 0.06021653898045596, -0.017578125},
            {0.03709200011850479, 0.0, 0.0, 0.17038392571223998, 0.10726203044637328, -0.015319437748624402,
                    0.008273789163814023},
            {0.6241109587160757, 0.0, 0.0, -3.3608926294469414, -0.868219346841726, 27.59209969944671,
                    20.154067550477894, -43.48988418106996},
            {0.47766253643826434, 0.0, 0.0, -2.4881146199716677, -0.590290826836843, 21.230051448181193,
                    15.279233632882423, -33.28821096898486, -0.020331201708508627},
            {-0.9371424300859873, 0.0, 0.0, 5.186372428844064, 1.0914373489967295, -8.149787010746927,
                    -18.52006565999696, 22.739487099350505, 2.4936055526796523, -3.0467644718982196},
            {2.273310147516538, 0.0, 0.0, -10.53449546673725, -2.0008720582248625, -17.9589318631188,
                    27.94888452941996, -2.8589982771350235, -8.87285693353063, 12.360567175794303,
                    0.6433927460157636},
            {0.054293734116568765, 0.0, 0.0, 0.0, 0.0, 4.450312892752409, 1.8915178993145003, -5.801203960010585,
                    0.3111643669578199, -0.1521609496625161, 0.20136540080403034, 0.04471061572777259},
            {0.056167502283047954, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25350021021662483, -0.2462390374708025,
                    -0.12419142326381637, 0.15329179827876568, 0.00820105229563469, 0.007567897660545699,
                    -0.008298},
            {0.03183464816350214, 0.0, 0.0, 0.0, 0.0, 0.028300909672366776, 0.053541988307438566,
                    -0.05492374857139099, 0.0, 0.0, -0.00010834732869724932, 0.0003825710908356584,
                    -0.00034046500868740456, 0.1413124436746325},
            {-0.42889630158379194, 0.0, 0.0, 0.0, 0.0, -4.697621415361164, 7.683421196062599, 4.06898981839711,
                    0.3567271874552811, 0.0, 0.0, 0.0, -0.0013990241651590145, 2.9475147891527724,
                    -9.15095847217987}};

    private static final double[] E3 = {-0.18980075407240762, 0.0, 0.0, 0.0, 0.0, 4.450312892752409,
            1.8915178993145003, -5.801203960010585, -0.4226823213237919, -0.1521609496625161,
            0.20136540080403034, 0.02265179219836082};
    private static final double[] E5 = {0.01312004499419488, 0.0, 0.0, 0.0, 0.0, -1.2251564463762044,
            -0.4957589496572502, 1.6643771824549864, -0.35032884874997366, 0.3341791187130175,
            0.08192320648511571, -0.022355307863886294};

    /** The dense output's last four coefficient vectors, {@code F_{3+r} = h sum_i D[r][i] k_i}. */
    private static final double[][] D = {
            {-8.428938276109013, 0.0, 0.0, 0.0, 0.0, 0.5667149535193777, -3.0689499459498917, 2.38466765651207,
                    2.117034582445028, -0.871391583777973, 2.2404374302607883, 0.6315787787694688,
                    -0.08899033645133331, 18.148505520854727, -9.194632392478356, -4.436036387594894},
            {10.427508642579134, 0.0, 0.0, 0.0, 0.0, 242.28349177525817, 165.20045171727028, -374.5467547226902,
                    -22.113666853125306, 7.733432668472264, -30.674084731089398, -9.332130526430229,
                    15.697238121770845, -31.139403219565178, -9.35292435884448, 35.81684148639408},
            {19.985053242002433, 0.0, 0.0, 0.0, 0.0, -387.0373087493518, -189.17813819516758, 527.8081592054236,
                    -11.57390253995963, 6.8812326946963, -1.0006050966910838, 0.7777137798053443,
                    -2.778205752353508, -60.19669523126412, 84.32040550667716, 11.99229113618279},
            {-25.69393346270375, 0.0, 0.0, 0.0, 0.0, -154.18974869023643, -231.5293791760455, 357.6391179106141,
                    93.40532418362432, -37.45832313645163, 104.0996495089623, 29.8402934266605, -43.53345659001114,
                    96.32455395918828, -39.17726167561544, -149.72683625798564}};

    /**
     * The dense output is {@code u + x(F0 + (1-x)(F1 + x(F2 + (1-x)(F3 + x(F4 + (1-x)(F5 + x F6))))))}:
     * {@code F_r} multiplies {@code x^(1 + floor(r/2)) (1-x)^floor((r+1)/2)}, and MONOMIALS[r][j] is that
     * polynomial's coefficient of {@code x^(j+1)}.
     */
    private static final double[][] MONOMIALS = monomials();

    private final Rhs rhs;
    private final Tolerances tolerances;
    private final int n;
    private final double[][] k = new double[EXTENDED][];
    private final double[] stage;
    private final double[] uOld;
    private final double[] uNewCopy;
    private final double[][] f = new double[7][];
    private boolean fsalPending;
    private double lastT;
    private double lastH;

    Dop853Stepper(Rhs rhs, Tolerances tolerances, int n) {
        this.rhs = rhs;
        this.tolerances = tolerances;
        this.n = n;
        for (int i = 0; i < EXTENDED; i++) {
            k[i] = new double[n];
        }
        for (int i = 0; i < 7; i++) {
            f[i] = new double[n];
        }
        this.stage = new double[n];
        this.uOld = new double[n];
        this.uNewCopy = new double[n];
    }

    private static double[][] monomials() {
        double[][] out = new double[7][7];
        for (int r = 0; r < 7; r++) {
            int xPower = 1 + r / 2;
            int oneMinusPower = (r + 1) / 2;
            double[] poly = new double[8];
            poly[xPower] = 1;
            for (int p = 0; p < oneMinusPower; p++) {
                double[] next = new double[8];
                for (int j = 0; j < 8; j++) {
                    if (poly[j] != 0) {
                        next[j] += poly[j];
                        next[j + 1] -= poly[j];
                    }
                }
                poly = next;
            }
            for (int j = 0; j < 7; j++) {
                out[r][j] = poly[j + 1];
            }
        }
        return out;
    }

    @Override
    public void start(double t, double[] u, double[] f0) {
        System.arraycopy(f0, 0, k[0], 0, n);
        fsalPending = false;
    }

    @Override
    public double attempt(double t, double h, double[] u, double[] uNew) {
        if (fsalPending) {
            double[] tmp = k[0];
            k[0] = k[STAGES];
            k[STAGES] = tmp;
            fsalPending = false;
        }
        for (int i = 1; i < STAGES; i++) {
            combine(u, h, A[i], stage);
            rhs.evaluate(k[i], stage, t + C[i] * h);
        }
        combine(u, h, A[STAGES], uNew);
        rhs.evaluate(k[STAGES], uNew, t + h);
        double s5 = 0;
        double s3 = 0;
        for (int m = 0; m < n; m++) {
            if (!tolerances.isControlled(m)) {
                continue;
            }
            double e5 = 0;
            double e3 = 0;
            for (int j = 0; j < STAGES; j++) {
                e5 += E5[j] * k[j][m];
                e3 += E3[j] * k[j][m];
            }
            double sc = tolerances.scale(m, u, uNew);
            s5 += (e5 / sc) * (e5 / sc);
            s3 += (e3 / sc) * (e3 / sc);
        }
        if (s5 == 0 && s3 == 0) {
            return ExplicitRkStepper.allFinite(uNew) ? 0 : Double.POSITIVE_INFINITY;
        }
        double norm = Math.abs(h) * s5 / Math.sqrt(tolerances.controlled() * (s5 + 0.01 * s3));
        return Double.isNaN(norm) ? Double.POSITIVE_INFINITY : norm;
    }

    /** {@code out = u + h sum_j row[j] k[j]}. */
    private void combine(double[] u, double h, double[] row, double[] out) {
        System.arraycopy(u, 0, out, 0, n);
        for (int j = 0; j < row.length; j++) {
            if (row[j] != 0) {
                double hv = h * row[j];
                double[] kj = k[j];
                for (int i = 0; i < n; i++) {
                    out[i] += hv * kj[i];
                }
            }
        }
    }

    @Override
    public void accept(double t, double h, double[] u, double[] uNew) {
        fsalPending = true;
        lastT = t;
        lastH = h;
        System.arraycopy(u, 0, uOld, 0, n);
        System.arraycopy(uNew, 0, uNewCopy, 0, n);
    }

    @Override
    public int denseDegree() {
        return 7;
    }

    @Override
    public void denseCoefficients(double[][] q) {
        double h = lastH;
        for (int i = STAGES + 1; i < EXTENDED; i++) {
            combine(uOld, h, A[i], stage);
            rhs.evaluate(k[i], stage, lastT + C[i] * h);
        }
        double[] fOld = k[0];
        double[] fNew = k[STAGES];
        for (int m = 0; m < n; m++) {
            double dy = uNewCopy[m] - uOld[m];
            f[0][m] = dy;
            f[1][m] = h * fOld[m] - dy;
            f[2][m] = 2 * dy - h * (fNew[m] + fOld[m]);
        }
        for (int r = 0; r < 4; r++) {
            double[] fr = f[3 + r];
            Arrays.fill(fr, 0);
            for (int i = 0; i < EXTENDED; i++) {
                double w = h * D[r][i];
                if (w != 0) {
                    for (int m = 0; m < n; m++) {
                        fr[m] += w * k[i][m];
                    }
                }
            }
        }
        for (int j = 0; j < 7; j++) {
            Arrays.fill(q[j], 0);
            for (int r = 0; r < 7; r++) {
                double w = MONOMIALS[r][j];
                if (w != 0) {
                    for (int m = 0; m < n; m++) {
                        q[j][m] += w * f[r][m];
                    }
                }
            }
        }
    }

    @Override
    public StepController controller() {
        return new StepController(8, 0, 0.333, 6, 0.9);
    }

    @Override
    public int order() {
        return 8;
    }

    @Override
    public boolean adaptive() {
        return true;
    }
}
