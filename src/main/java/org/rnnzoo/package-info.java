/** rnn-zoo: the recurrent architectures of a CS224N-style RNN lecture as DL4J ComputationGraphs. */
package org.rnnzoo;
