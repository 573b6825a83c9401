package org.rnnzoo.kernels;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Main computes FastLstm in float; the tests' double kernel is there for every test without asking. */
class LstmKernelPrecisionTest {
    @Test
    void floatIsMainsAndDoubleIsRegisteredByTheTests() {
        assertEquals(DataType.FLOAT, LstmKernel.create(DataType.FLOAT, 2, 3, 4).dataType());
        assertEquals(DataType.DOUBLE, LstmKernel.create(DataType.DOUBLE, 2, 3, 4).dataType());
    }

    @Test
    void anotherPrecisionIsAOneLineRefusal() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LstmKernel.create(DataType.HALF, 2, 3, 4));
        assertEquals("FastLstm computes in float; a HALF network needs cell: dl4j", e.getMessage());
    }
}
