/** Types of static/js/fir_resampler.js for the Deno tests. */
export declare class FirResampler {
  constructor(inRate: number, outRate: number);
  reset(): void;
  process(input: Float32Array): Float32Array;
}
