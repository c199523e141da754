// Property tests, the fast subset: every property over a fixed seed list, on this process's tier
// (CI runs the suite per LOGITKIT_ISA tier and with LOGITKIT_BACKEND=js). See property-suite.ts
// for the properties and RELIABILITY.md for the replay and long-run commands.
import { registerProperties, propertyConfig } from './property-suite.js';

registerProperties(propertyConfig(40, [20261207, 1]));
