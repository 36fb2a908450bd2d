package io.finbert4j.trading;

/**
 * Transaction costs. {@link #lean()} is LEAN's default equity fee model (Interactive Brokers' fixed tier):
 * USD 0.005 per share, at least USD 1, at most 0.5 % of the trade value; {@link #bps} charges a flat fraction of the
 * trade value instead ({@code --cost-bps}). Slippage ({@code --slippage-bps}) moves the fill price against the order.
 */
public record Costs(boolean leanFees, double costBps, double slippageBps) {
  public static Costs lean() {
    return new Costs(true, 0, 0);
  }

  public static Costs bps(double bps) {
    return new Costs(false, bps, 0);
  }

  public Costs withSlippage(double bps) {
    return new Costs(leanFees, costBps, bps);
  }

  public double fee(long quantity, double price) {
    long q = Math.abs(quantity);
    if (q == 0) {
      return 0;
    }
    double value = q * price;
    if (leanFees) {
      return Math.min(Math.max(0.005 * q, 1.0), 0.005 * value);
    }
    return value * costBps / 10_000.0;
  }

  /** The fill price of a buy (quantity > 0) or sell at {@code price}. */
  public double fillPrice(long quantity, double price) {
    return price * (1 + Math.signum(quantity) * slippageBps / 10_000.0);
  }
}
