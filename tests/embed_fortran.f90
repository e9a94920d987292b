! embed_fortran.f90: a Fortran program that embeds vidcube.
!
! It reads ERA5 hourly 2 m temperature (data/era5_t2m_uk_crop.nc, 168 hours
! of 33 x 49), then
!   1. compresses the 3-D field with the buffer API (module vidcube) to
!      PSNR >= 45 dB, decodes it and checks the PSNR, computed here in plain
!      Fortran and by the library;
!   2. writes it one hour at a time with the time-step writer (module
!      vidcube_writer) into a new netCDF-4 file, in day-long chunks, and
!      checks that each chunk was written in one call and the PSNR of what
!      the file holds.
! Build: gfortran embed_fortran.f90 $(pkg-config --cflags --libs vidcubef)
! Run:   VC_DATA_DIR=data ./a.out OUT.nc      (exit status 0 when all is well)
!
! netCDF is reached through its C library with a few ISO_C_BINDING
! interfaces (module nc_c below), so the example needs no netCDF-Fortran;
! with netCDF-Fortran the nf90_* calls work the same (ncid is shared; the
! writer takes variable names, not numbers).

module nc_c
  use, intrinsic :: iso_c_binding
  implicit none
  integer(c_int), parameter :: NC_NOERR = 0, NC_NOWRITE = 0, NC_CLOBBER = 0, &
       NC_NETCDF4 = 4096, NC_FLOAT = 5
  integer(c_size_t), parameter :: NC_UNLIMITED = 0
  interface
     function nc_open(path, mode, ncid) bind(C, name='nc_open') result(rc)
       import :: c_char, c_int
       character(kind=c_char), intent(in) :: path(*)
       integer(c_int), value :: mode
       integer(c_int), intent(out) :: ncid
       integer(c_int) :: rc
     end function nc_open
     function nc_create(path, mode, ncid) bind(C, name='nc_create') result(rc)
       import :: c_char, c_int
       character(kind=c_char), intent(in) :: path(*)
       integer(c_int), value :: mode
       integer(c_int), intent(out) :: ncid
       integer(c_int) :: rc
     end function nc_create
     function nc_def_dim(ncid, name, len, dimid) bind(C, name='nc_def_dim') result(rc)
       import :: c_char, c_int, c_size_t
       integer(c_int), value :: ncid
       character(kind=c_char), intent(in) :: name(*)
       integer(c_size_t), value :: len
       integer(c_int), intent(out) :: dimid
       integer(c_int) :: rc
     end function nc_def_dim
     function nc_def_var(ncid, name, xtype, ndims, dimids, varid) bind(C, name='nc_def_var') &
          result(rc)
       import :: c_char, c_int
       integer(c_int), value :: ncid, xtype, ndims
       character(kind=c_char), intent(in) :: name(*)
       integer(c_int), intent(in) :: dimids(*)
       integer(c_int), intent(out) :: varid
       integer(c_int) :: rc
     end function nc_def_var
     function nc_inq_varid(ncid, name, varid) bind(C, name='nc_inq_varid') result(rc)
       import :: c_char, c_int
       integer(c_int), value :: ncid
       character(kind=c_char), intent(in) :: name(*)
       integer(c_int), intent(out) :: varid
       integer(c_int) :: rc
     end function nc_inq_varid
     function nc_inq_vardimid(ncid, varid, dimids) bind(C, name='nc_inq_vardimid') result(rc)
       import :: c_int
       integer(c_int), value :: ncid, varid
       integer(c_int), intent(out) :: dimids(*)
       integer(c_int) :: rc
     end function nc_inq_vardimid
     function nc_inq_dimlen(ncid, dimid, len) bind(C, name='nc_inq_dimlen') result(rc)
       import :: c_int, c_size_t
       integer(c_int), value :: ncid, dimid
       integer(c_size_t), intent(out) :: len
       integer(c_int) :: rc
     end function nc_inq_dimlen
     function nc_get_var_float(ncid, varid, v) bind(C, name='nc_get_var_float') result(rc)
       import :: c_int, c_float
       integer(c_int), value :: ncid, varid
       real(c_float), intent(out) :: v(*)
       integer(c_int) :: rc
     end function nc_get_var_float
     function nc_enddef(ncid) bind(C, name='nc_enddef') result(rc)
       import :: c_int
       integer(c_int), value :: ncid
       integer(c_int) :: rc
     end function nc_enddef
     function nc_close(ncid) bind(C, name='nc_close') result(rc)
       import :: c_int
       integer(c_int), value :: ncid
       integer(c_int) :: rc
     end function nc_close
  end interface
end module nc_c

program embed_fortran
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: error_unit
  use vidcube
  use vidcube_writer
  use nc_c
  implicit none
  real(c_float), allocatable :: t2m(:, :, :), back(:, :, :)
  integer(c_int8_t), allocatable :: stream(:)
  integer(c_int) :: ncid, varid, dimids(3)
  integer(c_size_t) :: len(3)
  character(len=4096) :: data_dir, out
  integer :: i, t, nx, ny, nt, status, dlen
  type(vc_params) :: p
  type(vc_quality) :: q
  type(vidcube_ctx) :: ctx
  type(vidcube_step_writer) :: w
  type(vc_writer_stats) :: s
  real(c_double) :: psnr

  call get_environment_variable('VC_DATA_DIR', data_dir, dlen, status)
  if (status /= 0) data_dir = '../data'
  out = 'embed_fortran.nc'
  if (command_argument_count() >= 1) call get_command_argument(1, out)

  ! ---- read t2m(lon, lat, time): C's t2m[time][lat][lon] ----
  call nc_check(nc_open(trim(data_dir) // '/era5_t2m_uk_crop.nc' // c_null_char, NC_NOWRITE, &
       ncid), 'nc_open')
  call nc_check(nc_inq_varid(ncid, 't2m' // c_null_char, varid), 'nc_inq_varid')
  call nc_check(nc_inq_vardimid(ncid, varid, dimids), 'nc_inq_vardimid')
  do i = 1, 3
     call nc_check(nc_inq_dimlen(ncid, dimids(i), len(i)), 'nc_inq_dimlen')
  end do
  nt = int(len(1));  ny = int(len(2));  nx = int(len(3))
  allocate(t2m(nx, ny, nt), back(nx, ny, nt))
  call nc_check(nc_get_var_float(ncid, varid, t2m), 'nc_get_var_float')
  call nc_check(nc_close(ncid), 'nc_close')

  ! ---- 1. the buffer API ----
  call vidcube_params_init(p)
  p%mode = VC_MODE_PSNR
  p%target = 45
  call vidcube_ctx_create(ctx, p, status)
  call vc_check(status, 'vidcube_ctx_create')
  call vidcube_compress_f32(ctx, t2m, shape(t2m), stream, status)
  if (status /= VC_OK) call fail('vidcube_compress_f32: ' // vidcube_error(ctx))
  call vidcube_decompress_f32(ctx, stream, back, shape(back), status)
  if (status /= VC_OK) call fail('vidcube_decompress_f32: ' // vidcube_error(ctx))
  call vidcube_measure_f32(t2m, back, shape(t2m), q, status)
  call vc_check(status, 'vidcube_measure')
  psnr = psnr_of(t2m, back)
  write (*, '(a, i0, a, i0, a, f0.2, a, f0.2, a)') 'buffer API: ', size(t2m) * 4, &
       ' bytes -> ', size(stream), ' bytes, PSNR ', psnr, ' dB (library: ', q%psnr_db, ' dB)'
  if (psnr < 45) call fail('PSNR below the 45 dB target')
  if (abs(psnr - q%psnr_db) > 1e-6_c_double * psnr) call fail('PSNR differs from vc_measure''s')
  if (size(t2m) * 4 < 4 * size(stream)) call fail('compressed less than 4:1')
  call vidcube_ctx_free(ctx)

  ! ---- 2. the time-step writer: one hour at a time, day-long chunks ----
  call nc_check(nc_create(trim(out) // c_null_char, ior(NC_NETCDF4, NC_CLOBBER), ncid), &
       'nc_create')
  call nc_check(nc_def_dim(ncid, 'time' // c_null_char, NC_UNLIMITED, dimids(1)), 'nc_def_dim')
  call nc_check(nc_def_dim(ncid, 'latitude' // c_null_char, int(ny, c_size_t), dimids(2)), &
       'nc_def_dim')
  call nc_check(nc_def_dim(ncid, 'longitude' // c_null_char, int(nx, c_size_t), dimids(3)), &
       'nc_def_dim')
  call nc_check(nc_def_var(ncid, 't2m' // c_null_char, NC_FLOAT, 3_c_int, dimids, varid), &
       'nc_def_var')
  call vidcube_writer_create(w, status)
  call vc_check(status, 'vidcube_writer_create')
  call vidcube_writer_def_nc(w, ncid, 't2m', 24, p, status)
  if (status /= VC_OK) call fail('vidcube_writer_def_nc: ' // vidcube_writer_error(w))
  call nc_check(nc_enddef(ncid), 'nc_enddef')
  call vidcube_writer_open_nc(w, ncid, 't2m', status)
  if (status /= VC_OK) call fail('vidcube_writer_open_nc: ' // vidcube_writer_error(w))
  do t = 1, nt
     call vidcube_writer_append_f32(w, t2m(:, :, t), status)
     if (status /= VC_OK) call fail('vidcube_writer_append_f32: ' // vidcube_writer_error(w))
  end do
  call vidcube_writer_close(w, status)
  if (status /= VC_OK) call fail('vidcube_writer_close: ' // vidcube_writer_error(w))
  call vidcube_writer_stats(w, s, status)
  call vidcube_writer_free(w)
  call nc_check(nc_close(ncid), 'nc_close')     ! HDF5 may run the filter here: check it

  back = 0
  call nc_check(nc_open(trim(out) // c_null_char, NC_NOWRITE, ncid), 'nc_open')
  call nc_check(nc_get_var_float(ncid, varid, back), 'nc_get_var_float')
  call nc_check(nc_close(ncid), 'nc_close')
  psnr = psnr_of(t2m, back)
  write (*, '(a, i0, a, i0, a, f0.2, a)') 'time-step writer: ', s%steps, ' steps in ', &
       s%writes, ' writes of whole chunks, PSNR ', psnr, ' dB'
  if (s%steps /= nt) call fail('not every step was appended')
  if (s%writes /= (nt + 23) / 24) call fail('a chunk was not written in one call')
  if (psnr < 45) call fail('PSNR of the written file below the 45 dB target')

contains

  ! PSNR over the whole array, peak = max - min of the original.
  function psnr_of(a, b) result(db)
    real(c_float), intent(in) :: a(:, :, :), b(:, :, :)
    real(c_double) :: db, peak, mse
    peak = real(maxval(a), c_double) - real(minval(a), c_double)
    mse = sum((real(a, c_double) - real(b, c_double))**2) / real(size(a), c_double)
    db = 10 * log10(peak**2 / mse)
  end function psnr_of

  subroutine fail(msg)
    character(len=*), intent(in) :: msg
    write (error_unit, '(2a)') 'FAIL: ', msg
    stop 1
  end subroutine fail

  subroutine nc_check(rc, what)
    integer(c_int), intent(in) :: rc
    character(len=*), intent(in) :: what
    character(len=16) :: code
    if (rc /= NC_NOERR) then
       write (code, '(i0)') rc
       call fail(what // ': netCDF status ' // trim(code))
    end if
  end subroutine nc_check

  subroutine vc_check(rc, what)
    integer, intent(in) :: rc
    character(len=*), intent(in) :: what
    if (rc /= VC_OK) call fail(what // ': ' // vidcube_strerror(rc))
  end subroutine vc_check

end program embed_fortran
