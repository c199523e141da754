// The benchmark's sections, in the order they run and print. A section is one self-contained
// module (bench/README.md, "Adding a section"); adding one is adding its file and one line here.
import bandwidth from './bandwidth.mjs';
import logsoftmax from './logsoftmax.mjs';
import softmax from './softmax.mjs';
import ce from './ce.mjs';
import gumbel from './gumbel.mjs';
import sample from './sample.mjs';
import topk from './topk.mjs';
import beam from './beam.mjs';
import calibration from './calibration.mjs';
import nce from './nce.mjs';
import decoding from './decoding.mjs';

export default [
  bandwidth,
  logsoftmax,
  softmax,
  ce,
  gumbel,
  sample,
  topk,
  beam,
  calibration,
  nce,
  decoding,
];
