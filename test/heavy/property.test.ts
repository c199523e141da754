// Property tests, the long run (npm run test:heavy): more cases over more seeds.
import { registerProperties, propertyConfig } from '../property-suite.js';

registerProperties(propertyConfig(400, [20261207, 1, 2, 3, 4]), 1_200_000);
