package dev.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MpiLibraryTest {

    @Test
    void aMissingLibraryNamesThePackagesToInstall() {
        var e = assertThrows(CollectiveException.class,
                () -> MpiLibrary.load(List.of("libmpi-missing.so.40", "libmpi-missing.so")));
        assertEquals("cannot load Open MPI (tried libmpi-missing.so.40, libmpi-missing.so): install it (Debian/Ubuntu:"
                + " apt-get install openmpi-bin libopenmpi-dev) or set TRAINER_MPI_LIBRARY to its libmpi.so", e.getMessage());
    }

    @Test
    void aLibraryThatIsNotOpenMpisIsRefusedBeforeAnyHandleIsBound() {
        // libm loads everywhere and exports no ompi_mpi_comm_world, as an MPICH libmpi would not
        var e = assertThrows(CollectiveException.class, () -> MpiLibrary.load(List.of("libm.so.6")));
        assertEquals("libm.so.6 is not Open MPI's libmpi (it has no ompi_mpi_comm_world): trainer's MPI support needs"
                + " Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev)", e.getMessage());
    }
}
